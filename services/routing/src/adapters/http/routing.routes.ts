import { type ApiKeyAuthenticator, httpAuthMiddleware, type Principal, principalOfRequest } from '@omni/auth';
import {
  AcceptOfferResponse,
  DeclineOfferResponse,
  ExplainAssignmentResponse,
  GetAgentResponse,
  GetRoutingPolicyResponse,
  HeartbeatResponse,
  ListAgentsResponse,
  ListQueueResponse,
  Presence,
  PutRoutingPolicyResponse,
  RoutingPolicy,
  SetPresenceResponse,
  UpsertAgentResponse,
} from '@omni/contracts';
import express, { type Express, type Request, type Response } from 'express';
import type { RoutingOperations } from '../api/routing-operations';
import {
  agentBody,
  listAgentsQuery,
  listQueueQuery,
  offerBody,
  parse,
  policyBody,
  presenceBody,
} from './request-schemas';

type Handler = (principal: Principal, req: Request) => Promise<unknown>;

/** Answers with the response message's proto3 JSON (camelCase, enums by name, RFC 3339 times). */
function json<T>(
  toJSON: (message: T) => unknown,
  handler: (principal: Principal, req: Request) => Promise<T>,
): Handler {
  return async (principal, req) => toJSON(await handler(principal, req));
}

const param = (req: Request, name: string) => String(req.params[name] ?? '');

/**
 * The RoutingService as JSON under /v1, on the service's HTTP server: the
 * same operations, API keys, tenant scoping and roles as gRPC; errors in the
 * platform's one shape (400 names every bad or unknown field).
 */
export function mountRoutingRoutes(app: Express, operations: RoutingOperations, authenticator: ApiKeyAuthenticator) {
  const router = express.Router();
  router.use(httpAuthMiddleware(authenticator));
  const route = (method: 'get' | 'put' | 'post', path: string, handler: Handler) => {
    router[method](path, async (req: Request, res: Response) => {
      res.json(await handler(principalOfRequest(req), req));
    });
  };

  route(
    'get',
    '/agents',
    json(ListAgentsResponse.toJSON, (principal, req) => {
      const query = parse(listAgentsQuery, req.query, 'query');
      return operations.listAgents(principal, {
        presence: query.presence ?? Presence.PRESENCE_UNSPECIFIED,
        pageSize: query.pageSize ?? 0,
        pageToken: query.pageToken ?? '',
      });
    }),
  );
  route(
    'get',
    '/agents/:agentId',
    json(GetAgentResponse.toJSON, (principal, req) =>
      operations.getAgent(principal, { agentId: param(req, 'agentId') }),
    ),
  );
  route(
    'put',
    '/agents/:agentId',
    json(UpsertAgentResponse.toJSON, (principal, req) => {
      const body = parse(agentBody, req.body, 'agent');
      return operations.upsertAgent(principal, {
        agent: {
          agentId: param(req, 'agentId'),
          name: body.name ?? '',
          skills: body.skills ?? {},
          teams: body.teams ?? [],
          capacity: body.capacity ?? {},
          apiKeyId: body.apiKeyId ?? '',
          load: {},
          presence: Presence.PRESENCE_UNSPECIFIED,
          version: 0,
          heartbeatAt: undefined,
          lastAssignedAt: undefined,
        },
      });
    }),
  );
  route(
    'put',
    '/agents/:agentId/presence',
    json(SetPresenceResponse.toJSON, (principal, req) => {
      const { presence } = parse(presenceBody, req.body, 'presence');
      return operations.setPresence(principal, { agentId: param(req, 'agentId'), presence });
    }),
  );
  route(
    'post',
    '/agents/:agentId/heartbeat',
    json(HeartbeatResponse.toJSON, (principal, req) =>
      operations.heartbeat(principal, { agentId: param(req, 'agentId') }),
    ),
  );
  route(
    'get',
    '/queue',
    json(ListQueueResponse.toJSON, (principal, req) => {
      const query = parse(listQueueQuery, req.query, 'query');
      return operations.listQueue(principal, { channelGroup: query.channelGroup ?? '', pageSize: query.pageSize ?? 0 });
    }),
  );
  route(
    'get',
    '/conversations/:conversationId/routing-decision',
    json(ExplainAssignmentResponse.toJSON, (principal, req) =>
      operations.explainAssignment(principal, { conversationId: param(req, 'conversationId') }),
    ),
  );
  route(
    'post',
    '/conversations/:conversationId/offer/accept',
    json(AcceptOfferResponse.toJSON, (principal, req) => {
      const { agentId } = parse(offerBody, req.body, 'offer');
      return operations.acceptOffer(principal, { conversationId: param(req, 'conversationId'), agentId });
    }),
  );
  route(
    'post',
    '/conversations/:conversationId/offer/decline',
    json(DeclineOfferResponse.toJSON, (principal, req) => {
      const { agentId } = parse(offerBody, req.body, 'offer');
      return operations.declineOffer(principal, { conversationId: param(req, 'conversationId'), agentId });
    }),
  );
  route(
    'get',
    '/routing-policy',
    json(GetRoutingPolicyResponse.toJSON, (principal) => operations.getRoutingPolicy(principal)),
  );
  route(
    'put',
    '/routing-policy',
    json(PutRoutingPolicyResponse.toJSON, (principal, req) => {
      const policy = parse(policyBody, req.body, 'policy');
      return operations.putRoutingPolicy(principal, { policy: RoutingPolicy.fromPartial(policy) });
    }),
  );
  app.use('/v1', router);
}
