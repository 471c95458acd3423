import { displaySubject, normalizeSubject, replySubject } from './subject';

describe('normalizeSubject', () => {
  it.each([
    ['Re: Order 42', 'order 42'],
    ['RE[2]: AW: Fwd:  Order   42 ', 'order 42'],
    ['SV: VS: Antw: R: FW: WG: TR: RV: order 42', 'order 42'],
    ['re(3): Order 42', 'order 42'],
    ['  fwd :order 42', 'order 42'],
  ])('strips reply and forward prefixes from %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it('keeps words that merely start like a prefix', () => {
    expect(normalizeSubject('Return policy')).toBe('return policy');
    expect(normalizeSubject('Answer: yes')).toBe('answer: yes');
  });

  it('is empty for a subject made only of prefixes', () => {
    expect(normalizeSubject('Re: RE: ')).toBe('');
  });

  it('handles a very long prefix chain in bounded time', () => {
    expect(normalizeSubject(`${'Re: '.repeat(10_000)}x`)).toBe('x');
  });
});

describe('replySubject', () => {
  it('adds Re: once', () => {
    expect(replySubject('Order 42')).toBe('Re: Order 42');
    expect(replySubject('AW: Order 42')).toBe('AW: Order 42');
    expect(replySubject('')).toBe('Re:');
  });
});

describe('displaySubject', () => {
  it('drops prefixes but keeps the case', () => {
    expect(displaySubject('AW: Delivery  Date')).toBe('Delivery Date');
  });
});
