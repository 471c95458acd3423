import { Metadata, status } from '@grpc/grpc-js';
import {
  DEPENDENCY_RETRY_AFTER_SECONDS,
  DEPENDENCY_UNAVAILABLE,
  type ErrorKind,
  isDomainError,
  isTransientError,
} from '@omni/errors';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from './status-details';

export interface GrpcErrorStatus {
  code: status;
  details: string;
  metadata: Metadata;
}

/** Seconds, as in HTTP's Retry-After; also carried as google.rpc.RetryInfo. */
export const RETRY_AFTER_KEY = 'retry-after';

export function grpcCodeFor(kind: ErrorKind): status {
  switch (kind) {
    case 'invalid_argument':
      return status.INVALID_ARGUMENT;
    case 'not_found':
      return status.NOT_FOUND;
    case 'already_exists':
      return status.ALREADY_EXISTS;
    case 'permission_denied':
      return status.PERMISSION_DENIED;
    case 'unauthenticated':
      return status.UNAUTHENTICATED;
    case 'failed_precondition':
      return status.FAILED_PRECONDITION;
    case 'resource_exhausted':
      return status.RESOURCE_EXHAUSTED;
    case 'unavailable':
      return status.UNAVAILABLE;
    case 'internal':
      return status.INTERNAL;
  }
}

/**
 * Errors whose message the caller must not see, keyed by the trailers sent in
 * their place. The server's call log looks them up there, so the cause is
 * logged once, with the method, without every handler needing a logger.
 */
const hiddenCauses = new WeakMap<Metadata, unknown>();

/** Wrapped, since a thrown `undefined` is a cause too. */
export function hiddenCauseOf(trailers: Metadata | null | undefined): { err: unknown } | undefined {
  return trailers && hiddenCauses.has(trailers) ? { err: hiddenCauses.get(trailers) } : undefined;
}

/** The single mapping from a thrown error to the status a gRPC caller sees. */
export function toGrpcStatus(err: unknown): GrpcErrorStatus {
  const metadata = new Metadata();
  if (isDomainError(err) && err.kind !== 'internal') {
    const code = grpcCodeFor(err.kind);
    if (err.retryAfterSeconds !== undefined) {
      metadata.set(RETRY_AFTER_KEY, String(Math.max(0, Math.ceil(err.retryAfterSeconds))));
    }
    const details = encodeStatusDetails(code, err.message, err.details, err.retryAfterSeconds);
    if (details) metadata.set(STATUS_DETAILS_KEY, details);
    return { code, details: err.message, metadata };
  }
  hiddenCauses.set(metadata, err);
  if (isTransientError(err)) {
    // A dependency is down or overloaded: the call may succeed if retried.
    metadata.set(RETRY_AFTER_KEY, String(DEPENDENCY_RETRY_AFTER_SECONDS));
    return { code: status.UNAVAILABLE, details: DEPENDENCY_UNAVAILABLE, metadata };
  }
  return { code: status.INTERNAL, details: 'internal error', metadata };
}
