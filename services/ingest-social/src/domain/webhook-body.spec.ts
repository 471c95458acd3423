import { nestingDepth, parseWebhookJson } from './webhook-body';

describe('parseWebhookJson', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseWebhookJson(Buffer.from('{"a":["é",{"b":1}]}'))).toEqual({ a: ['é', { b: 1 }] });
  });

  it('refuses invalid UTF-8 with an invalid-argument error', () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(() => parseWebhookJson(bad)).toThrow(expect.objectContaining({ kind: 'invalid_argument' }));
  });

  it('refuses JSON nested 10,000 deep without recursing', () => {
    const deep = Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(() => parseWebhookJson(deep)).toThrow(/nested deeper than 64/);
  });

  it('accepts nesting up to the limit', () => {
    expect(parseWebhookJson(Buffer.from(`${'['.repeat(64)}${']'.repeat(64)}`), 64)).toBeDefined();
  });

  it('refuses malformed JSON', () => {
    expect(() => parseWebhookJson(Buffer.from('{"a":'))).toThrow(/malformed JSON/);
  });
});

describe('nestingDepth', () => {
  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestingDepth('{"a":"[[[{{\\"[[["}')).toBe(1);
    expect(nestingDepth('[{"a":[1]}]')).toBe(3);
  });
});
