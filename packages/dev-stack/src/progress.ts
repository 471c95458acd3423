export type LogFn = (line: string) => void;

/** Default sink: stderr, so stdout stays clean for `KEY=value` output that scripts parse. */
export const stderrLog: LogFn = (line) => {
  process.stderr.write(`[dev-stack] ${line}\n`);
};

export function elapsed(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)}s`;
}
