import { DomainError, type DomainErrorOptions } from './domain-error';

/** The request is malformed whatever the system's state; `details` names the fields. */
export class InvalidArgumentError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('invalid_argument', message, options);
  }
}

/** The thing does not exist, or the caller's tenant may not know that it does. */
export class NotFoundError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('not_found', message, options);
  }
}

export class AlreadyExistsError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('already_exists', message, options);
  }
}

/** The caller is known but its role does not allow this. */
export class PermissionDeniedError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('permission_denied', message, options);
  }
}

/** No valid credentials came with the request. */
export class UnauthenticatedError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('unauthenticated', message, options);
  }
}

/** The request is valid but the current state forbids it (e.g. replying to a resolved thread). */
export class FailedPreconditionError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('failed_precondition', message, options);
  }
}

/** A quota or rate limit was hit; set `retryAfterSeconds` so clients back off correctly. */
export class ResourceExhaustedError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('resource_exhausted', message, options);
  }
}

/** A dependency is down; the same request may succeed later. */
export class UnavailableError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('unavailable', message, options);
  }
}

/** A bug or broken invariant. Its message is logged, never shown to callers. */
export class InternalError extends DomainError {
  constructor(message: string, options?: DomainErrorOptions) {
    super('internal', message, options);
  }
}
