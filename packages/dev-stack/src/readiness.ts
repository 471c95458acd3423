import { tailFile } from './log-tail';

export interface ReadyWait {
  /** e.g. "Kafka on 127.0.0.1:19092" */
  what: string;
  logFile: string;
  timeoutMs: number;
  /** Returns a reason if the process is already dead, so we fail fast instead of timing out. */
  deadReason: () => string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function failure(message: string, logFile: string): Error {
  return new Error(`${message}\n--- last lines of ${logFile} ---\n${tailFile(logFile)}`);
}

/** Polls probe until it succeeds; bounded, and the error carries the service log's tail. */
export async function waitUntilReady(probe: () => Promise<void>, w: ReadyWait): Promise<void> {
  const started = Date.now();
  let lastError = '';
  for (;;) {
    const dead = w.deadReason();
    if (dead) throw failure(`${w.what} exited during startup (${dead})`, w.logFile);
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - started > w.timeoutMs) {
      throw failure(
        `${w.what} not ready after ${Math.round(w.timeoutMs / 1000)}s (last probe error: ${lastError})`,
        w.logFile,
      );
    }
    await sleep(300);
  }
}
