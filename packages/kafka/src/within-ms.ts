import type { Logger } from '@omni/logging';

/** Waits for a shutdown step at most `ms`, logging when it failed or was left running. */
export function withinMs(name: string, work: Promise<unknown> | undefined, ms: number, logger: Logger): Promise<void> {
  if (!work) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ step: name, ms }, 'kafka disconnect still running at its bound; moving on');
      resolve();
    }, ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.warn({ err: error, step: name }, 'kafka disconnect failed');
        resolve();
      },
    );
  });
}
