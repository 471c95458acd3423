import { backoffDelay, sleep } from '@omni/backoff';
import type { Logger } from '@omni/logging';

/**
 * Retries a start-up step until its dependency answers, so a service started
 * before Kafka or MongoDB waits (reporting not ready) instead of crash-looping.
 */
export async function untilReady(logger: Logger, name: string, step: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      if (attempt > 1) logger.info({ dependency: name }, 'dependency ready');
      return;
    } catch (error: unknown) {
      logger.warn({ err: error, dependency: name, attempt }, 'dependency not ready; retrying');
      await sleep(backoffDelay(attempt, { initialMs: 250, maxMs: 5_000 }));
    }
  }
}
