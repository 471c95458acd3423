import { deterministicId } from './deterministic-id';

describe('deterministicId', () => {
  it('gives the same id for the same cause', () => {
    expect(deterministicId('msg', 't1', 'email', '<a@b>')).toBe(deterministicId('msg', 't1', 'email', '<a@b>'));
  });

  it('keeps parts apart, so shifted separators do not collide', () => {
    expect(deterministicId('msg', 'a:b', 'c')).not.toBe(deterministicId('msg', 'a', 'b:c'));
  });

  it('starts with the prefix and is url-safe', () => {
    expect(deterministicId('evt', 'x')).toMatch(/^evt_[A-Za-z0-9_-]{26}$/);
  });
});
