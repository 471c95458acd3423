import { type BackoffSettings, backoffDelay, sleep } from '@omni/backoff';
import { isTransientError } from '@omni/errors';
import { MongoError } from 'mongodb';

/**
 * A unique index refused the write: someone else created the document first.
 * MongoDB says 11000 for inserts and updates; FerretDB v1 says 11000 on insert
 * but on update passes its backend's own error on: SQLite's "UNIQUE constraint
 * failed", PostgreSQL's unique_violation (SQLSTATE 23505).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.code === 11000 || error.code === 11001) return true;
  return (
    error.name === 'MongoServerError' &&
    /UNIQUE constraint failed|violates unique constraint.*\(SQLSTATE 23505\)/i.test(error.message)
  );
}

/**
 * A failure that says nothing about the operation itself: the server was
 * unreachable, stepping down or overloaded (the names and messages every
 * consumer and API treats as an outage, plus the driver's retry labels).
 */
export function isTransientStoreError(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  return (
    isTransientError(error) ||
    error.hasErrorLabel('RetryableWriteError') ||
    error.hasErrorLabel('TransientTransactionError')
  );
}

/**
 * Retries an idempotent operation on transient errors with backoff. Only for
 * operations that are safe to repeat (upserts by deterministic key, reads).
 */
export async function withStoreRetry<T>(
  operation: () => Promise<T>,
  options: { attempts?: number; backoff?: BackoffSettings } = {},
): Promise<T> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error: unknown) {
      if (attempt >= attempts || !isTransientStoreError(error)) throw error;
      await sleep(backoffDelay(attempt, options.backoff ?? { initialMs: 100, maxMs: 2_000 }));
    }
  }
}
