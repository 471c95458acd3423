import { DomainError, type ErrorKind, isDomainError } from './domain-error';
import {
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

const cases: Array<[new (message: string) => DomainError, ErrorKind, string]> = [
  [InvalidArgumentError, 'invalid_argument', 'InvalidArgumentError'],
  [NotFoundError, 'not_found', 'NotFoundError'],
  [AlreadyExistsError, 'already_exists', 'AlreadyExistsError'],
  [PermissionDeniedError, 'permission_denied', 'PermissionDeniedError'],
  [UnauthenticatedError, 'unauthenticated', 'UnauthenticatedError'],
  [FailedPreconditionError, 'failed_precondition', 'FailedPreconditionError'],
  [ResourceExhaustedError, 'resource_exhausted', 'ResourceExhaustedError'],
  [UnavailableError, 'unavailable', 'UnavailableError'],
  [InternalError, 'internal', 'InternalError'],
];

describe.each(cases)('%p', (ErrorClass, kind, name) => {
  it(`has kind ${kind} and name ${name}`, () => {
    const err = new ErrorClass('message');
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toBeInstanceOf(ErrorClass);
    expect(isDomainError(err)).toBe(true);
    expect(err.kind).toBe(kind);
    expect(err.name).toBe(name);
    expect(err.message).toBe('message');
    expect(err.stack).toContain(name);
  });
});

it('passes options through a subclass', () => {
  const err = new ResourceExhaustedError('slow down', { retryAfterSeconds: 30 });
  expect(err.retryAfterSeconds).toBe(30);
});
