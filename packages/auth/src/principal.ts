import { PermissionDeniedError, UnauthenticatedError } from '@omni/errors';
import { type ApiKeyRole, isApiKeyRole, type Principal } from './api-key';

/** Narrows what authInterceptor's principalOf(call) returned; throws when the call was not authenticated. */
export function asPrincipal(value: unknown): Principal {
  const candidate = value as Partial<Principal> | undefined;
  if (
    !candidate ||
    typeof candidate.tenantId !== 'string' ||
    typeof candidate.keyId !== 'string' ||
    typeof candidate.role !== 'string' ||
    !isApiKeyRole(candidate.role)
  ) {
    throw new UnauthenticatedError('call was not authenticated');
  }
  return candidate as Principal;
}

/** PermissionDeniedError unless the principal holds one of the roles. */
export function requireRole(principal: Principal, roles: readonly ApiKeyRole[]): void {
  if (!roles.includes(principal.role)) {
    throw new PermissionDeniedError(`role ${principal.role} may not do this`);
  }
}
