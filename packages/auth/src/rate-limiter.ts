import { ResourceExhaustedError } from '@omni/errors';

export interface RateLimit {
  /** Sustained calls per second a key may make. */
  perSecond: number;
  /** Calls a key may make at once after being idle. */
  burst: number;
}

/**
 * A token bucket per API key, in this replica's memory: with N replicas behind
 * a balancer a key gets up to N times the rate, which is the usual trade for
 * not putting a shared counter on every call's path.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new Error('rate limit needs perSecond > 0 and burst >= 1');
  }

  /** Takes one call from the key's bucket; ResourceExhaustedError with the wait when it is empty. */
  take(keyId: string): void {
    const now = this.now();
    const bucket = this.buckets.get(keyId) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      const waitSeconds = (1 - bucket.tokens) / this.limit.perSecond;
      throw new ResourceExhaustedError('rate limit exceeded for this API key', {
        retryAfterSeconds: Math.ceil(waitSeconds),
      });
    }
    bucket.tokens -= 1;
    if (!this.buckets.has(keyId) && this.buckets.size >= this.maxKeys) this.buckets.clear();
    this.buckets.set(keyId, bucket);
  }
}
