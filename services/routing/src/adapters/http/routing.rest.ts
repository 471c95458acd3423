import type { ApiKeyAuthenticator } from '@omni/auth';
import * as contracts from '@omni/contracts';
import { protoSources } from '@omni/contracts';
import { operationRoutes, RestApi, type RestRoute } from '@omni/rest';
import type { Express } from 'express';
import type { RoutingApi } from '../api/routing-operations';

const AGENT = '/v1/agents/:agentId';
const CONVERSATION = '/v1/conversations/:conversationId';

/** REST under /v1: the RoutingService operations as JSON, one route each. */
export function routingRoutes(api: RoutingApi): RestRoute[] {
  return operationRoutes(api, { protoPackage: 'omni.v1', codecs: contracts, tag: 'Routing' }, [
    { method: 'get', path: '/v1/agents', operation: 'listAgents', summary: 'List agents with their live load' },
    { method: 'get', path: AGENT, operation: 'getAgent', summary: 'Get an agent with its live load' },
    {
      method: 'put',
      path: AGENT,
      operation: 'upsertAgent',
      body: 'agent',
      summary: 'Create or replace an agent (skills, teams, capacity, API key); load and presence are kept',
    },
    {
      method: 'put',
      path: `${AGENT}/presence`,
      operation: 'setPresence',
      summary: "Set presence; going offline requeues the agent's conversations",
    },
    { method: 'post', path: `${AGENT}/heartbeat`, operation: 'heartbeat', summary: 'Keep an online agent online' },
    {
      method: 'get',
      path: '/v1/queue',
      operation: 'listQueue',
      summary: 'Waiting conversations in queue order, with estimated waits',
    },
    {
      method: 'get',
      path: `${CONVERSATION}/routing-decision`,
      operation: 'explainAssignment',
      summary: 'The latest routing decision for a conversation: candidates, exclusions, scores, tie-break',
    },
    {
      method: 'post',
      path: `${CONVERSATION}/offer/accept`,
      operation: 'acceptOffer',
      summary: 'Accept an offered conversation (offer mode)',
    },
    {
      method: 'post',
      path: `${CONVERSATION}/offer/decline`,
      operation: 'declineOffer',
      summary: 'Decline an offered conversation: it moves on to the next candidate',
    },
    { method: 'get', path: '/v1/routing-policy', operation: 'getRoutingPolicy', summary: 'The policy in force' },
    {
      method: 'put',
      path: '/v1/routing-policy',
      operation: 'putRoutingPolicy',
      body: 'policy',
      summary: 'Replace the policy: validated, a refused one leaves the one in force',
    },
  ]);
}

export function mountRoutingRest(app: Express, authenticator: ApiKeyAuthenticator, api: RoutingApi): RestApi {
  const rest = new RestApi({
    info: {
      title: 'omni routing API',
      version: 'v1',
      description: 'Agents, presence, the queue, routing policies and the reasons behind each assignment.',
    },
    proto: protoSources(['omni/v1/routing_service.proto']),
    routes: routingRoutes(api),
  });
  rest.mount(app, authenticator);
  return rest;
}
