import { isTransientError } from './transient-error';

describe('isTransientError', () => {
  it('recognizes dependency outages', () => {
    const mongoDown = Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoServerSelectionError' });
    expect(isTransientError(mongoDown)).toBe(true);
    expect(isTransientError({ kind: 'unavailable' })).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: mongoDown }))).toBe(true);
  });

  it('treats everything else as a failure of the message', () => {
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientError('boom')).toBe(false);
    expect(isTransientError(null)).toBe(false);
  });
});
