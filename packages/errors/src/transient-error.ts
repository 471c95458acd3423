/** What an API caller is told when a dependency failed (the cause itself is only logged). */
export const DEPENDENCY_UNAVAILABLE = 'a dependency is unavailable; retry later';
export const DEPENDENCY_RETRY_AFTER_SECONDS = 1;

const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNonRetriableError',
  'PublishTimeoutError',
]);

/**
 * Whether something failed because a dependency is down or overloaded rather
 * than because of the input. Consumers retry such failures until the
 * dependency is back, never dead-lettering them (a database outage must not
 * empty a topic into its DLQ); the APIs answer UNAVAILABLE / 503 so callers retry.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; transient?: unknown; kind?: unknown; cause?: unknown };
  if (candidate.transient === true || candidate.kind === 'unavailable') return true;
  if (typeof candidate.name === 'string' && TRANSIENT_NAMES.has(candidate.name)) return true;
  // FerretDB v1 (SQLite) when a write waited too long for the one writer's lock: overload, not a bad message.
  if (candidate.name === 'MongoServerError' && /SQLITE_BUSY/.test(String((error as Error).message))) return true;
  return candidate.cause !== undefined && candidate.cause !== error && isTransientError(candidate.cause);
}
