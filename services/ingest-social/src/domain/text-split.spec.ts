import { splitText } from './text-split';

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('hello', 10)).toEqual(['hello']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('cuts at the last line break, then the last space', () => {
    expect(splitText('aaaa bbb\ncc dd', 10)).toEqual(['aaaa bbb', 'cc dd']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
  });

  it('cuts an unbroken run hard, never inside a surrogate pair', () => {
    expect(splitText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    const parts = splitText(`abcd${'😀'.repeat(3)}`, 5);
    expect(parts.join('')).toBe(`abcd${'😀'.repeat(3)}`);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(5);
    expect(parts[0]).toBe('abcd');
  });

  it('splits 10,000 words into parts of at most 4,096 characters', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ')).toBe(text);
  });
});
