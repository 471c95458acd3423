import { KeyRateLimiter } from './rate-limiter';

describe('KeyRateLimiter', () => {
  it('allows the burst, then refuses with the wait until a token refills, per key', () => {
    let now = 0;
    const limiter = new KeyRateLimiter({ perSecond: 2, burst: 3 }, () => now);
    for (let i = 0; i < 3; i++) limiter.take('a');
    expect(() => limiter.take('a')).toThrow(
      expect.objectContaining({ kind: 'resource_exhausted', retryAfterSeconds: 1 }),
    );
    limiter.take('b');
    now = 500;
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow('rate limit exceeded');
  });
});
