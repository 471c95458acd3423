import { decodePosition, encodePosition, furthest } from './watch-position';

describe('watch positions', () => {
  it('round-trip offset vectors, including offsets beyond 32 bits', () => {
    const vector = [0, 1, 127, 128, 300_000, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER];
    const token = encodePosition(vector);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePosition(token, 'resume_after')).toEqual(vector);
  });

  it('stay short for a 12-partition topic', () => {
    expect(encodePosition(Array.from({ length: 12 }, () => 1_000_000)).length).toBeLessThanOrEqual(50);
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['unknown version', Buffer.from([2, 1]).toString('base64url')],
    ['no partitions', Buffer.from([1]).toString('base64url')],
    ['truncated', Buffer.from([1, 5, 0x80]).toString('base64url')],
    ['not canonical', Buffer.from([1, 0x85, 0x00]).toString('base64url')],
    [
      'offset out of range',
      Buffer.from([1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).toString('base64url'),
    ],
    ['too long', `A${'A'.repeat(3_000)}`],
  ])('refuse a token that is %s, naming the field', (reason, token) => {
    expect(() => decodePosition(token, 'Last-Event-ID')).toThrow(`Last-Event-ID is not a watch position (${reason})`);
  });

  it('refuse garbage of the right alphabet', () => {
    expect(() => decodePosition('garbage', 'resume_after')).toThrow('resume_after is not a watch position');
  });

  it('take the furthest offset per partition', () => {
    expect(furthest([5, 1, 9], [3, 4])).toEqual([5, 4, 9]);
  });
});
