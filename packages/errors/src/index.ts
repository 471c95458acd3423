export {
  DomainError,
  type DomainErrorOptions,
  ERROR_KINDS,
  type ErrorKind,
  type FieldViolation,
  isDomainError,
} from './domain-error';
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
