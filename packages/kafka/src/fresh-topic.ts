import { backoffDelay, sleep } from '@omni/backoff';

const ATTEMPTS = 10;

/**
 * Runs `work` again while Kafka answers with a retriable error, as a single
 * KRaft broker does for a moment after creating a topic (its metadata cache
 * does not host the new partitions yet: UNKNOWN_TOPIC_OR_PARTITION,
 * NOT_LEADER_OR_FOLLOWER), which kafkajs' subscribe and offset lookups do not
 * retry themselves. Other errors, and the tenth failure, are thrown.
 */
export async function whileTopicsSettle<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error: unknown) {
      if (attempt >= ATTEMPTS || (error as { retriable?: unknown }).retriable !== true) throw error;
      await sleep(backoffDelay(attempt, { initialMs: 100, maxMs: 2_000 }), signal);
    }
  }
}
