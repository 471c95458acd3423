import type { Collection } from 'mongodb';

/**
 * Latency from "accepted by the adapter" to "visible in the thread" (stored by the
 * conversation service): accepted ids are polled in batches with one `_id: {$in}` query every
 * `pollMs` (on FerretDB that query scans, so it is kept infrequent to load the store little).
 */
export class VisibilityWatcher {
  readonly latencies: number[] = [];
  /** Queries the watcher itself sent to the store. */
  queries = 0;
  private readonly acceptedAt = new Map<string, number>();
  private accepting = true;
  private readonly done: Promise<void>;

  constructor(messages: Collection<{ _id: string }>, pollMs = 100) {
    this.done = (async () => {
      while (this.accepting || this.acceptedAt.size > 0) {
        const pending = [...this.acceptedAt.keys()];
        if (pending.length > 0) {
          this.queries++;
          const found = await messages.find({ _id: { $in: pending } }, { projection: { _id: 1 } }).toArray();
          const now = performance.now();
          for (const { _id } of found) {
            this.latencies.push(now - (this.acceptedAt.get(_id) as number));
            this.acceptedAt.delete(_id);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    })();
  }

  /** Stops polling whatever is still missing; resolves once no query is in flight. */
  async stop(): Promise<void> {
    this.accepting = false;
    this.acceptedAt.clear();
    await this.done.catch(() => undefined);
  }

  accepted(messageId: string, at = performance.now()): void {
    this.acceptedAt.set(messageId, at);
  }

  /** Resolves once every accepted message is visible; rejects when some are still missing after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${this.acceptedAt.size} accepted messages not visible after ${timeoutMs} ms`));
        void this.stop();
      }, timeoutMs);
    });
    try {
      await Promise.race([this.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
