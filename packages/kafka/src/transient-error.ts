const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNonRetriableError',
  'PublishTimeoutError',
]);

/**
 * Whether a handler failed because a dependency is down rather than because
 * the message is bad. Such failures are retried until the dependency is back,
 * never dead-lettered: a database outage must not empty a topic into its DLQ.
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
