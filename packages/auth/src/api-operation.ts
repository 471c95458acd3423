import type { ApiKeyRole, Principal } from './api-key';
import { requireRole } from './principal';

/** One operation of an API: who may call it, and what it does for the caller's tenant. gRPC and REST both run these. */
export interface ApiOperation<Req, Res> {
  roles: readonly ApiKeyRole[];
  run(principal: Principal, request: Req): Promise<Res>;
}

/** An operation whose role check runs before its body, whichever transport called it. */
export function apiOperation<Req, Res>(
  roles: readonly ApiKeyRole[],
  run: (principal: Principal, request: Req) => Promise<Res>,
): ApiOperation<Req, Res> {
  return {
    roles,
    run: (principal, request) => {
      requireRole(principal, roles);
      return run(principal, request);
    },
  };
}
