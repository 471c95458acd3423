import {
  AlreadyExistsError,
  DomainError,
  type ErrorKind,
  FailedPreconditionError,
  InvalidArgumentError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from '@omni/errors';
import { httpStatusFor, toErrorResponse } from './error-response';

describe('httpStatusFor', () => {
  it.each<[ErrorKind, number]>([
    ['invalid_argument', 400],
    ['unauthenticated', 401],
    ['permission_denied', 403],
    ['not_found', 404],
    ['already_exists', 409],
    ['failed_precondition', 409],
    ['resource_exhausted', 429],
    ['unavailable', 503],
    ['internal', 500],
  ])('maps %s to %i', (kind, status) => {
    expect(httpStatusFor(kind)).toBe(status);
  });
});

describe('toErrorResponse', () => {
  it('shows a domain error with its kind as code and its field violations', () => {
    const err = new InvalidArgumentError('invalid request', {
      details: [{ field: 'text', reason: 'required' }],
    });
    expect(toErrorResponse(err)).toEqual({
      status: 400,
      headers: {},
      body: {
        error: {
          code: 'invalid_argument',
          message: 'invalid request',
          details: [{ field: 'text', reason: 'required' }],
        },
      },
      hidden: false,
    });
  });

  it('tells apart already_exists and failed_precondition by code', () => {
    expect(toErrorResponse(new AlreadyExistsError('a')).body.error.code).toBe('already_exists');
    expect(toErrorResponse(new FailedPreconditionError('b')).body.error.code).toBe('failed_precondition');
  });

  it('asks for a bearer token on 401', () => {
    expect(toErrorResponse(new UnauthenticatedError('no token')).headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
  });

  it('sets Retry-After in whole seconds on 429 and 503', () => {
    expect(toErrorResponse(new ResourceExhaustedError('slow', { retryAfterSeconds: 1.2 })).headers).toEqual({
      'Retry-After': '2',
    });
    expect(toErrorResponse(new UnavailableError('down', { retryAfterSeconds: 5 })).headers).toEqual({
      'Retry-After': '5',
    });
    expect(toErrorResponse(new ResourceExhaustedError('slow')).headers).toEqual({});
  });

  it('hides internal domain errors and unknown errors', () => {
    for (const err of [
      new DomainError('internal', 'db password wrong'),
      new TypeError('x is undefined'),
      'thrown string',
    ]) {
      expect(toErrorResponse(err)).toEqual({
        status: 500,
        headers: {},
        body: { error: { code: 'internal', message: 'internal error' } },
        hidden: true,
      });
    }
  });

  it('answers 503 with Retry-After when a dependency is down or overloaded, hiding the cause', () => {
    const busy = Object.assign(new Error('database is locked (5) (SQLITE_BUSY)'), { name: 'MongoServerError' });
    expect(toErrorResponse(busy)).toEqual({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'unavailable', message: 'a dependency is unavailable; retry later' } },
      hidden: true,
    });
  });

  it('passes exposed client errors from the body parser through', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(toErrorResponse(tooLarge)).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'request entity too large' } },
    });
    const malformed = Object.assign(new SyntaxError('Unexpected token'), {
      status: 400,
      expose: true,
      type: 'entity.parse.failed',
    });
    expect(toErrorResponse(malformed)).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_argument', message: 'malformed JSON body' } },
    });
  });

  it('does not trust a status that is not marked safe to expose', () => {
    const err = Object.assign(new Error('secret'), { status: 400 });
    expect(toErrorResponse(err).status).toBe(500);
  });
});
