import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MailgunSignatureInput {
  signingKey: string;
  timestamp: string;
  token: string;
  signature: string;
  /** Seconds since the epoch, now. */
  nowSeconds: number;
  /** Oldest timestamp accepted, in seconds before now (Mailgun recommends a few minutes). */
  maxAgeSeconds?: number;
}

export type MailgunSignatureVerdict = 'valid' | 'missing' | 'forged' | 'stale';

/**
 * Mailgun signs each webhook with HMAC-SHA256(signing key, timestamp + token),
 * hex-encoded. Compared in constant time; a timestamp too old (or too far in
 * the future) is refused so a captured request cannot be replayed later.
 */
export function verifyMailgunSignature(input: MailgunSignatureInput): MailgunSignatureVerdict {
  const { timestamp, token, signature } = input;
  if (!timestamp || !token || !signature) return 'missing';
  const expected = createHmac('sha256', input.signingKey)
    .update(timestamp + token)
    .digest();
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  const age = input.nowSeconds - Number(timestamp);
  const maxAge = input.maxAgeSeconds ?? 300;
  if (!Number.isFinite(age) || age > maxAge || age < -maxAge) return 'stale';
  return 'valid';
}

/** Signs like Mailgun does; for tests and local tools. */
export function signMailgun(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');
}
