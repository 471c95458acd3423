import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks Meta's X-Hub-Signature-256 (`sha256=<hex HMAC-SHA256(app secret, body)>`) over the
 * body's bytes exactly as received: re-serialized JSON differs in escapes and spacing.
 */
export function verifyHubSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = HEADER_PATTERN.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body as Meta does; for tests and local tooling. */
export function hubSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Constant-time equality of secrets of any length: both sides are hashed first,
 * so neither the content nor the length leaks through timing.
 */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined || given === '') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
