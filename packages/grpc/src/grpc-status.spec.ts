import { status } from '@grpc/grpc-js';
import {
  DomainError,
  type ErrorKind,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
} from '@omni/errors';
import { grpcCodeFor, hiddenCauseOf, RETRY_AFTER_KEY, toGrpcStatus } from './grpc-status';
import { STATUS_DETAILS_KEY } from './status-details';

describe('grpcCodeFor', () => {
  it.each<[ErrorKind, status]>([
    ['invalid_argument', status.INVALID_ARGUMENT],
    ['not_found', status.NOT_FOUND],
    ['already_exists', status.ALREADY_EXISTS],
    ['permission_denied', status.PERMISSION_DENIED],
    ['unauthenticated', status.UNAUTHENTICATED],
    ['failed_precondition', status.FAILED_PRECONDITION],
    ['resource_exhausted', status.RESOURCE_EXHAUSTED],
    ['unavailable', status.UNAVAILABLE],
    ['internal', status.INTERNAL],
  ])('maps %s to %i', (kind, code) => {
    expect(grpcCodeFor(kind)).toBe(code);
  });
});

describe('toGrpcStatus', () => {
  it('keeps a domain error message and attaches no trailers when there is nothing to add', () => {
    const result = toGrpcStatus(new NotFoundError('conversation c-1 not found'));
    expect(result.code).toBe(status.NOT_FOUND);
    expect(result.details).toBe('conversation c-1 not found');
    expect(result.metadata.getMap()).toEqual({});
    expect(hiddenCauseOf(result.metadata)).toBeUndefined();
  });

  it('puts retry-after in seconds and rich details in the trailers', () => {
    const result = toGrpcStatus(new ResourceExhaustedError('slow down', { retryAfterSeconds: 2.5 }));
    expect(result.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(result.metadata.get(RETRY_AFTER_KEY)).toEqual(['3']);
    expect(result.metadata.get(STATUS_DETAILS_KEY)[0]).toBeInstanceOf(Buffer);
  });

  it('carries field violations in the rich details', () => {
    const result = toGrpcStatus(new InvalidArgumentError('bad', { details: [{ field: 'text', reason: 'required' }] }));
    expect(result.metadata.get(STATUS_DETAILS_KEY)).toHaveLength(1);
  });

  it.each([
    ['an internal domain error', new InternalError('negative load on agent a-1')],
    ['an unknown error', new Error('ECONNREFUSED 10.0.0.7:27017')],
    ['a thrown string', 'oops'],
    ['a domain-looking plain object', { kind: 'not_found', message: 'x' }],
  ])('hides %s as INTERNAL and keeps the cause for the log', (_label, err) => {
    const result = toGrpcStatus(err);
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).toBe('internal error');
    expect(result.metadata.getMap()).toEqual({});
    expect(hiddenCauseOf(result.metadata)).toEqual({ err });
  });

  it('answers UNAVAILABLE with a retry hint when a dependency is down or overloaded, hiding the cause', () => {
    const storeDown = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:27017'), {
      name: 'MongoServerSelectionError',
    });
    const result = toGrpcStatus(storeDown);
    expect(result.code).toBe(status.UNAVAILABLE);
    expect(result.details).toBe('a dependency is unavailable; retry later');
    expect(result.metadata.get(RETRY_AFTER_KEY)).toEqual(['1']);
    expect(hiddenCauseOf(result.metadata)).toEqual({ err: storeDown });
  });

  it('reports a thrown undefined as a hidden cause too', () => {
    expect(hiddenCauseOf(toGrpcStatus(undefined).metadata)).toEqual({ err: undefined });
  });

  it('treats a custom DomainError kind by its kind', () => {
    expect(toGrpcStatus(new DomainError('unavailable', 'store down')).code).toBe(status.UNAVAILABLE);
  });
});
