/** A dependency the service needs to do useful work; `check` rejects while it is unusable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /** Overrides the app-wide per-check timeout. */
  timeoutMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  /** 'ok' or 'error: <reason>' per check name. */
  checks: Record<string, string>;
}

/** Runs every check in parallel, each bounded so one hung driver cannot hang the probe. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  defaultTimeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(() => c.check(), c.timeoutMs ?? defaultTimeoutMs);
        return [c.name, 'ok'] as const;
      } catch (err: unknown) {
        return [c.name, `error: ${err instanceof Error ? err.message : String(err)}`] as const;
      }
    }),
  );
  return {
    ready: results.every(([, result]) => result === 'ok'),
    checks: Object.fromEntries(results),
  };
}

async function withTimeout(run: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    // The async wrapper turns a synchronous throw into a rejection like any other.
    await Promise.race([(async () => run())(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
