import { DomainError, isDomainError } from './domain-error';

describe('DomainError', () => {
  it('carries kind, details, retry hint and cause', () => {
    const cause = new Error('socket closed');
    const err = new DomainError('invalid_argument', 'bad request', {
      details: [{ field: 'email', reason: 'must be an address' }],
      retryAfterSeconds: 3,
      cause,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.kind).toBe('invalid_argument');
    expect(err.message).toBe('bad request');
    expect(err.details).toEqual([{ field: 'email', reason: 'must be an address' }]);
    expect(err.retryAfterSeconds).toBe(3);
    expect(err.cause).toBe(cause);
  });

  it('leaves optional fields undefined', () => {
    const err = new DomainError('not_found', 'gone');
    expect(err.details).toBeUndefined();
    expect(err.retryAfterSeconds).toBeUndefined();
    expect('cause' in err).toBe(false);
  });
});

describe('isDomainError', () => {
  it('accepts domain errors', () => {
    expect(isDomainError(new DomainError('internal', 'x'))).toBe(true);
  });

  it('rejects plain errors, look-alikes and non-errors', () => {
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError(Object.assign(new Error('x'), { kind: 'not_found' }))).toBe(false);
    expect(isDomainError({ kind: 'not_found', message: 'x' })).toBe(false);
    expect(isDomainError(undefined)).toBe(false);
    expect(isDomainError('not_found')).toBe(false);
  });

  it('accepts an error branded by another copy of this package', () => {
    const foreign = Object.assign(new Error('x'), { kind: 'not_found' });
    Object.defineProperty(foreign, Symbol.for('@omni/errors.DomainError'), { value: true });
    expect(isDomainError(foreign)).toBe(true);
  });
});
