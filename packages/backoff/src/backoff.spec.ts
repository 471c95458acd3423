import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const settings = { initialMs: 100, maxMs: 1000 };

  it('grows exponentially within jitter bounds', () => {
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(1, settings)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(1, settings)).toBeLessThanOrEqual(100);
      expect(backoffDelay(3, settings)).toBeGreaterThanOrEqual(200);
      expect(backoffDelay(3, settings)).toBeLessThanOrEqual(400);
    }
  });

  it('never exceeds the cap', () => {
    for (let i = 0; i < 50; i++) expect(backoffDelay(30, settings)).toBeLessThanOrEqual(1000);
  });
});
