import { UnauthenticatedError } from '@omni/errors';
import type { Principal } from './api-key';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { bearerToken } from './bearer-token';

/** The parts of an express request the middleware reads; structural so this package needs no express types. */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
}

type Next = (error?: unknown) => void;

const principals = new WeakMap<object, Principal>();

/**
 * Express middleware: authenticates `Authorization: Bearer <key>` and passes
 * UnauthenticatedError to the error handler (which answers 401) otherwise.
 */
export function httpAuthMiddleware(authenticator: ApiKeyAuthenticator) {
  return (req: HttpRequestLike, _res: unknown, next: Next): void => {
    const header = req.headers.authorization;
    if (Array.isArray(header)) {
      next(new UnauthenticatedError('more than one authorization header'));
      return;
    }
    authenticator.authenticate(bearerToken(header)).then(
      (principal) => {
        principals.set(req, principal);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** The principal httpAuthMiddleware resolved for this request; throws when the route was not guarded. */
export function principalOfRequest(req: object): Principal {
  const principal = principals.get(req);
  if (!principal) throw new UnauthenticatedError('request was not authenticated');
  return principal;
}
