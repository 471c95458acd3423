import {
  normalizeMessageId,
  referencesOf,
  replyToAddress,
  sanitizeHeaderValue,
  stripReplyPrefixes,
  threadTopicOf,
} from './outbound-headers';

describe('outbound header values', () => {
  it('turns CR and LF into spaces so a value cannot start a header of its own', () => {
    expect(sanitizeHeaderValue('Hi\r\nBcc: evil@x')).toBe('Hi Bcc: evil@x');
    expect(sanitizeHeaderValue('a\nb\rc\u0000d')).toBe('a b c d');
    expect(sanitizeHeaderValue('tab\tkept')).toBe('tab\tkept');
    expect(sanitizeHeaderValue('Grüße 👋')).toBe('Grüße 👋');
  });

  it('strips repeated and localized reply prefixes for the Thread-Topic', () => {
    expect(stripReplyPrefixes('Re: AW: RE[2]: Fwd: Order 42')).toBe('Order 42');
    expect(stripReplyPrefixes('SV:Invoice')).toBe('Invoice');
    expect(stripReplyPrefixes('Reply needed: refund')).toBe('Reply needed: refund');
    expect(threadTopicOf('', 'Re: Order 42')).toBe('Order 42');
    expect(threadTopicOf('Their topic', 'Re: Order 42')).toBe('Their topic');
    expect(threadTopicOf('Topic\r\nBcc: x@y', 'Re: x')).toBe('Topic Bcc: x@y');
  });

  it('puts the conversation token into the Reply-To address of the inbox', () => {
    expect(replyToAddress('support@acme.test', 'ab12cd34ef56gh78')).toBe('support+c_ab12cd34ef56gh78@acme.test');
    expect(replyToAddress('Support.Team@acme.test', 'ABC')).toBe('Support.Team+c_abc@acme.test');
    expect(replyToAddress('support@acme.test', '')).toBeUndefined();
    expect(replyToAddress('support@acme.test', 'x>\r\nBcc: y')).toBeUndefined();
  });

  it('keeps Message-IDs bare and drops values that cannot be one', () => {
    expect(normalizeMessageId(' <abc@example.com> ')).toBe('abc@example.com');
    expect(normalizeMessageId('abc@example.com')).toBe('abc@example.com');
    expect(normalizeMessageId('')).toBeUndefined();
    expect(normalizeMessageId('no-at-sign')).toBeUndefined();
    expect(normalizeMessageId('a@b>\r\nBcc: evil@x')).toBeUndefined();
  });

  it('keeps the first and last 20 references, valid and unique', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `m${i}@x`);
    const kept = referencesOf(['bad id', ...ids, '<m0@x>']);
    expect(kept).toHaveLength(40);
    expect(kept[0]).toBe('m0@x');
    expect(kept[19]).toBe('m19@x');
    expect(kept[20]).toBe('m30@x');
    expect(kept[39]).toBe('m49@x');
  });
});
