export {
  DomainError,
  type DomainErrorOptions,
  ERROR_KINDS,
  type ErrorKind,
  type FieldViolation,
  isDomainError,
} from './domain-error';
export { DEPENDENCY_RETRY_AFTER_SECONDS, DEPENDENCY_UNAVAILABLE, isTransientError } from './transient-error';
export {
  AlreadyExistsError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from './typed-errors';
