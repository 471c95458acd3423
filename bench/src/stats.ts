import { readFileSync } from 'node:fs';

/** Percentile of an ascending list of numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Measurement {
  scenario: string;
  count: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(scenario: string, latenciesMs: number[], seconds: number): Measurement {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    scenario,
    count: latenciesMs.length,
    seconds,
    perSecond: latenciesMs.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** Runs `task` for indexes 0..count-1 with at most `concurrency` in flight. */
export async function runConcurrently(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  });
  await Promise.all(workers);
}

export function printTable(rows: Measurement[]): void {
  const header = ['scenario', 'count', 'per second', 'p50 ms', 'p99 ms'];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.count),
    r.perSecond.toFixed(1),
    r.p50Ms.toFixed(1),
    r.p99Ms.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  process.stdout.write(`${format(header)}\n${format(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const line of lines) process.stdout.write(`${format(line)}\n`);
}

/**
 * The machine's CPU ticks since boot, all cores: busy (user, nice, system, irq, softirq: work done
 * here) and total (also idle, I/O wait and steal, the time a virtual machine's host kept for others).
 */
export function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    const busy = user + nice + system + irq + softirq;
    return { busy, total: busy + idle + iowait + steal };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}
