import { hubSignature, secretEquals, verifyHubSignature } from './webhook-signature';

const secret = 'app-secret-123456';
// Meta escapes nothing: é and Arabic arrive as raw UTF-8 bytes, "/" unescaped.
const raw = Buffer.from(
  '{"object":"page","entry":[{"id":"1","messaging":[{"message":{"text":"café مرحبا https://x/y"}}]}]}',
);

describe('verifyHubSignature', () => {
  it('accepts the signature of the exact bytes, including non-ASCII text', () => {
    expect(verifyHubSignature(raw, hubSignature(raw, secret), secret)).toBe(true);
  });

  it('accepts an upper-case hex digest', () => {
    const header = `sha256=${hubSignature(raw, secret).slice(7).toUpperCase()}`;
    expect(verifyHubSignature(raw, header, secret)).toBe(true);
  });

  it('rejects the same JSON re-serialized (escapes and spacing differ)', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1));
    expect(verifyHubSignature(reserialized, hubSignature(raw, secret), secret)).toBe(false);
    const escaped = Buffer.from(raw.toString().replace('é', '\\u00e9'));
    expect(verifyHubSignature(escaped, hubSignature(raw, secret), secret)).toBe(false);
  });

  it('rejects a missing, malformed, truncated or foreign signature', () => {
    expect(verifyHubSignature(raw, undefined, secret)).toBe(false);
    expect(verifyHubSignature(raw, '', secret)).toBe(false);
    expect(verifyHubSignature(raw, 'sha1=abc', secret)).toBe(false);
    expect(verifyHubSignature(raw, hubSignature(raw, secret).slice(0, -2), secret)).toBe(false);
    expect(verifyHubSignature(raw, hubSignature(raw, 'another-secret-99'), secret)).toBe(false);
  });
});

describe('secretEquals', () => {
  it('compares secrets of any length', () => {
    expect(secretEquals('token-abcdef', 'token-abcdef')).toBe(true);
    expect(secretEquals('token-abcdeg', 'token-abcdef')).toBe(false);
    expect(secretEquals('short', 'token-abcdef')).toBe(false);
    expect(secretEquals(undefined, 'token-abcdef')).toBe(false);
    expect(secretEquals('', '')).toBe(false);
  });
});
