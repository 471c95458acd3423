import { capReferences, messageIdDomain, normalizeMessageId, parseMessageIdList } from './message-id';

describe('normalizeMessageId', () => {
  test('drops angle brackets and surrounding space', () => {
    expect(normalizeMessageId('  <abc@example.com> ')).toBe('abc@example.com');
    expect(normalizeMessageId('abc@example.com')).toBe('abc@example.com');
    expect(normalizeMessageId(undefined)).toBe('');
  });
});

describe('parseMessageIdList', () => {
  test('reads bracketed ids across folded lines', () => {
    expect(parseMessageIdList('<a@x>\r\n <b@y>  <c@z>')).toEqual(['a@x', 'b@y', 'c@z']);
  });
  test('falls back to whitespace-separated ids', () => {
    expect(parseMessageIdList('a@x b@y')).toEqual(['a@x', 'b@y']);
    expect(parseMessageIdList(['<a@x>', '<b@y>'])).toEqual(['a@x', 'b@y']);
  });
});

describe('capReferences', () => {
  test('dedupes and drops the message itself', () => {
    expect(capReferences(['<a@x>', 'b@x', '<a@x>', '<self@x>'], 'self@x')).toEqual(['a@x', 'b@x']);
  });
  test('keeps the first and last entries of a long chain', () => {
    const chain = Array.from({ length: 130 }, (_, i) => `<m${i}@x>`);
    const capped = capReferences(chain, 'none', 50);
    expect(capped).toHaveLength(100);
    expect(capped[0]).toBe('m0@x');
    expect(capped[49]).toBe('m49@x');
    expect(capped[50]).toBe('m80@x');
    expect(capped[99]).toBe('m129@x');
  });
  test('leaves a short chain alone', () => {
    expect(capReferences(['<a@x>', '<b@x>'], '', 1)).toEqual(['a@x', 'b@x']);
  });
});

test('messageIdDomain reads the part after the last @', () => {
  expect(messageIdDomain('msg_1.conv_2@Mail.Omni.Invalid')).toBe('mail.omni.invalid');
  expect(messageIdDomain('no-at-sign')).toBe('');
});
