import {
  DEPENDENCY_RETRY_AFTER_SECONDS,
  DEPENDENCY_UNAVAILABLE,
  type ErrorKind,
  type FieldViolation,
  isDomainError,
  isTransientError,
} from '@omni/errors';

/** The one error shape every HTTP API of every service answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: FieldViolation[] };
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** The caller got a generic message; the cause must be logged to be found at all. */
  hidden: boolean;
}

/**
 * failed_precondition answers 409, not 412: 412 means a conditional header
 * (If-Match, If-Unmodified-Since) evaluated false, and clients and caches treat
 * it that way. Our kind means "the resource's state forbids this" (replying to a
 * resolved conversation), which is what 409 Conflict describes; the `code`
 * field tells it apart from already_exists.
 */
export function httpStatusFor(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid_argument':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'permission_denied':
      return 403;
    case 'not_found':
      return 404;
    case 'already_exists':
    case 'failed_precondition':
      return 409;
    case 'resource_exhausted':
      return 429;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

/** Codes for client errors raised by express itself (body parser, ...), not by services. */
const CODE_BY_CLIENT_STATUS: Record<number, string> = {
  400: 'invalid_argument',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function toErrorResponse(err: unknown): ErrorResponse {
  if (isDomainError(err) && err.kind !== 'internal') {
    const status = httpStatusFor(err.kind);
    const headers: Record<string, string> = {};
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
    if ((status === 429 || status === 503) && err.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(Math.max(0, Math.ceil(err.retryAfterSeconds)));
    }
    const body: ErrorBody = { error: { code: err.kind, message: err.message } };
    if (err.details && err.details.length > 0) body.error.details = [...err.details];
    return { status, headers, body, hidden: false };
  }
  const clientError = asExposedClientError(err);
  if (clientError) {
    const { status, type, message } = clientError;
    const code = CODE_BY_CLIENT_STATUS[status] ?? 'bad_request';
    const text = type === 'entity.parse.failed' ? 'malformed JSON body' : message;
    return { status, headers: {}, body: { error: { code, message: text } }, hidden: false };
  }
  if (isTransientError(err)) {
    // A dependency is down or overloaded: the cause is logged, the caller is told to retry.
    return {
      status: 503,
      headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
      body: { error: { code: 'unavailable', message: DEPENDENCY_UNAVAILABLE } },
      hidden: true,
    };
  }
  return {
    status: 500,
    headers: {},
    body: { error: { code: 'internal', message: 'internal error' } },
    hidden: true,
  };
}

/** http-errors (used by body-parser) mark messages safe to show with `expose`. */
function asExposedClientError(err: unknown): { status: number; type: unknown; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { status, expose, type } = err as Error & { status?: unknown; expose?: unknown; type?: unknown };
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return { status, type, message: err.message };
}
