import { signMailgun, verifyMailgunSignature } from './mailgun-signature';

const key = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const now = 1_790_000_000;

function verify(overrides: Partial<Parameters<typeof verifyMailgunSignature>[0]> = {}) {
  const timestamp = String(now - 10);
  const token = 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0';
  return verifyMailgunSignature({
    signingKey: key,
    timestamp,
    token,
    signature: signMailgun(key, timestamp, token),
    nowSeconds: now,
    ...overrides,
  });
}

test('accepts a fresh, correctly signed request', () => {
  expect(verify()).toBe('valid');
});

test('refuses a signature made with another key or over other values', () => {
  expect(verify({ signingKey: 'another-key-entirely' })).toBe('forged');
  expect(verify({ token: 'b8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0' })).toBe('forged');
  expect(verify({ signature: 'not-hex' })).toBe('forged');
  expect(verify({ signature: 'ab'.repeat(31) })).toBe('forged');
});

test('refuses missing fields', () => {
  expect(verify({ signature: '' })).toBe('missing');
  expect(verify({ token: '' })).toBe('missing');
});

test('refuses timestamps older than five minutes or far in the future', () => {
  const old = String(now - 301);
  const token = 'tok';
  expect(verify({ timestamp: old, token, signature: signMailgun(key, old, token) })).toBe('stale');
  const future = String(now + 3600);
  expect(verify({ timestamp: future, token, signature: signMailgun(key, future, token) })).toBe('stale');
});
