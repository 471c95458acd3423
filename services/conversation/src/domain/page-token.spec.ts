import { decodePageToken, encodePageToken, pageSize } from './page-token';

describe('pageSize', () => {
  it('defaults to 50 and clamps to 200', () => {
    expect(pageSize(0)).toBe(50);
    expect(pageSize(10)).toBe(10);
    expect(pageSize(1_000)).toBe(200);
  });

  it('refuses a negative size', () => {
    expect(() => pageSize(-1)).toThrow('page_size');
  });
});

describe('page tokens', () => {
  it('round-trip the cursor', () => {
    const token = encodePageToken({ kind: 'messages', values: [1, 2, 'msg_a'] });
    expect(decodePageToken(token, 'messages', 3)).toEqual([1, 2, 'msg_a']);
  });

  it('is undefined for the first page', () => {
    expect(decodePageToken('', 'messages', 3)).toBeUndefined();
  });

  it('refuses garbage and a token of another list', () => {
    const token = encodePageToken({ kind: 'conversations', values: [1, 'c'] });
    expect(() => decodePageToken(token, 'messages', 3)).toThrow('page_token');
    expect(() => decodePageToken('not-a-token', 'messages', 3)).toThrow('page_token');
    expect(() => decodePageToken(Buffer.from('{"a":1}').toString('base64url'), 'messages', 3)).toThrow('page_token');
  });
});
