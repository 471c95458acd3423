import { asPrincipal } from '@omni/auth';
import type { RoutingServiceServer } from '@omni/contracts';
import { principalOf, unary } from '@omni/grpc';
import type { RoutingOperations } from '../api/routing-operations';

/** RoutingService over gRPC: the caller's API key (bearer metadata) gives the principal. */
export function routingServer(operations: RoutingOperations): RoutingServiceServer {
  const caller = (call: { metadata: Parameters<typeof principalOf>[0]['metadata'] }) => asPrincipal(principalOf(call));
  return {
    upsertAgent: unary((request, call) => operations.upsertAgent(caller(call), request)),
    getAgent: unary((request, call) => operations.getAgent(caller(call), request)),
    listAgents: unary((request, call) => operations.listAgents(caller(call), request)),
    setPresence: unary((request, call) => operations.setPresence(caller(call), request)),
    heartbeat: unary((request, call) => operations.heartbeat(caller(call), request)),
    listQueue: unary((request, call) => operations.listQueue(caller(call), request)),
    explainAssignment: unary((request, call) => operations.explainAssignment(caller(call), request)),
    putRoutingPolicy: unary((request, call) => operations.putRoutingPolicy(caller(call), request)),
    getRoutingPolicy: unary((_request, call) => operations.getRoutingPolicy(caller(call))),
    acceptOffer: unary((request, call) => operations.acceptOffer(caller(call), request)),
    declineOffer: unary((request, call) => operations.declineOffer(caller(call), request)),
  };
}
