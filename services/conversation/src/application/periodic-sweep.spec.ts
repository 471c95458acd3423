import { createLogger } from '@omni/logging';
import { PeriodicSweep } from './periodic-sweep';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('PeriodicSweep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one sweep at a time: a slow run is not overlapped by the next tick', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let finish = () => {};
    const sweep = new PeriodicSweep(
      'slow',
      100,
      async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        running--;
      },
      logger,
    );
    sweep.start();
    await jest.advanceTimersByTimeAsync(450);
    expect(runs).toBe(1);
    finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    finish();
    await sweep.stop();
  });

  it('keeps sweeping after a failed run', async () => {
    let runs = 0;
    const sweep = new PeriodicSweep(
      'flaky',
      100,
      async () => {
        runs++;
        if (runs === 1) throw new Error('store down');
      },
      logger,
    );
    sweep.start();
    await jest.advanceTimersByTimeAsync(350);
    await sweep.stop();
    expect(runs).toBe(3);
  });
});
