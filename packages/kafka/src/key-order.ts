import type { ConsumedEvent } from './event-consumer';

/**
 * Handles a batch with the order Kafka promises and no more: events of one key
 * one after another in offset order, different keys side by side (at most
 * `concurrency` keys at once). A slow key no longer holds up its whole
 * partition. Every key runs to its end or its first failure; then the first
 * failure is thrown, so the caller retries the batch (handlers must be
 * idempotent, as for any redelivery).
 */
export async function inKeyOrder<T>(
  events: readonly ConsumedEvent<T>[],
  concurrency: number,
  handle: (event: ConsumedEvent<T>) => Promise<void>,
): Promise<void> {
  const byKey = new Map<string, ConsumedEvent<T>[]>();
  for (const event of events) {
    const queue = byKey.get(event.key);
    if (queue) queue.push(event);
    else byKey.set(event.key, [event]);
  }
  const queues = [...byKey.values()];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    for (let queue = queues[next++]; queue; queue = queues[next++]) {
      try {
        for (const event of queue) await handle(event);
      } catch (error: unknown) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queues.length)) }, worker));
  if (failures.length > 0) throw failures[0];
}
