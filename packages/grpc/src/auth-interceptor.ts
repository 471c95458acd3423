import { type Metadata, ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@omni/errors';
import { toGrpcStatus } from './grpc-status';
import { isHealthOrReflectionMethod } from './method-paths';

/** Resolves the caller's principal, or throws a DomainError (unauthenticated, permission_denied). */
export type Authenticate = (metadata: Metadata, methodPath: string) => Promise<unknown>;

export interface AuthInterceptorOptions {
  /** Methods that need no credentials; defaults to health and reflection. */
  skip?: (methodPath: string) => boolean;
}

/**
 * Keyed by the request metadata object, which grpc-js hands unchanged from the
 * interceptor to the handler's `call.metadata`. Unlike a header it cannot be
 * forged by a client, and unlike AsyncLocalStorage it does not depend on which
 * async context grpc-js happens to call the handler from.
 */
const principals = new WeakMap<Metadata, unknown>();

/**
 * Authenticates each call before its handler runs. Rejections become the
 * mapped status (UNAUTHENTICATED, PERMISSION_DENIED, ...); the principal is
 * then read in the handler with principalOf(call). Put it last in the
 * interceptor list: an interceptor after it that replaces the metadata object
 * would hide the principal.
 */
export function authInterceptor(authenticate: Authenticate, options: AuthInterceptorOptions = {}): ServerInterceptor {
  const skip = options.skip ?? isHealthOrReflectionMethod;
  return (method, call) => {
    if (skip(method.path)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          // grpc-js holds the request message and half-close until `proceed` runs.
          onReceiveMetadata: (metadata, proceed) => {
            // The async wrapper turns a synchronous throw into a rejection like any other.
            (async () => authenticate(metadata, method.path))().then(
              (principal) => {
                if (principal === undefined || principal === null) {
                  // Fail closed: a resolver that forgot to throw must not let the call through.
                  call.sendStatus(toGrpcStatus(new UnauthenticatedError('missing credentials')));
                  return;
                }
                principals.set(metadata, principal);
                proceed(metadata);
              },
              (err: unknown) => call.sendStatus(toGrpcStatus(err)),
            );
          },
        }),
    });
  };
}

/** The principal authInterceptor resolved for this call; undefined on skipped methods. */
export function principalOf(call: { metadata: Metadata }): unknown {
  return principals.get(call.metadata);
}
