import type { handleUnaryCall } from '@grpc/grpc-js';
import { type ApiOperation, asPrincipal } from '@omni/auth';
import { principalOf } from './auth-interceptor';
import { unary } from './rpc-handlers';

/** A unary method running an API operation as the caller's principal (tenant and role from its API key). */
export function grpcOperation<Req, Res>(op: ApiOperation<Req, Res>): handleUnaryCall<Req, Res> {
  return unary((request: Req, call) => op.run(asPrincipal(principalOf(call)), request));
}
