import type { RoutingServiceServer } from '@omni/contracts';
import { grpcOperation } from '@omni/grpc';
import type { RoutingApi } from '../api/routing-operations';

/** RoutingService over gRPC: the caller's API key (bearer metadata) gives the principal. */
export function routingServer(api: RoutingApi): RoutingServiceServer {
  return {
    upsertAgent: grpcOperation(api.upsertAgent),
    getAgent: grpcOperation(api.getAgent),
    listAgents: grpcOperation(api.listAgents),
    setPresence: grpcOperation(api.setPresence),
    heartbeat: grpcOperation(api.heartbeat),
    listQueue: grpcOperation(api.listQueue),
    explainAssignment: grpcOperation(api.explainAssignment),
    putRoutingPolicy: grpcOperation(api.putRoutingPolicy),
    getRoutingPolicy: grpcOperation(api.getRoutingPolicy),
    acceptOffer: grpcOperation(api.acceptOffer),
    declineOffer: grpcOperation(api.declineOffer),
  };
}
