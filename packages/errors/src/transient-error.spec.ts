import { isTransientError } from './transient-error';

describe('isTransientError', () => {
  it('recognizes dependency outages', () => {
    const mongoDown = Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoServerSelectionError' });
    expect(isTransientError(mongoDown)).toBe(true);
    expect(isTransientError({ kind: 'unavailable' })).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: mongoDown }))).toBe(true);
  });

  it('treats a store that is too busy to take the write as an outage', () => {
    // FerretDB v1's answer when a write waited past SQLite's busy timeout.
    const busy = Object.assign(new Error('[collection.go:177 ...] database is locked (5) (SQLITE_BUSY)'), {
      name: 'MongoServerError',
    });
    expect(isTransientError(busy)).toBe(true);
    expect(isTransientError(Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError' }))).toBe(
      false,
    );
  });

  it('treats everything else as a failure of the message', () => {
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientError('boom')).toBe(false);
    expect(isTransientError(null)).toBe(false);
  });
});
