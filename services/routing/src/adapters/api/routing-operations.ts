import { type ApiKeyRole, apiOperation as operation, type Principal } from '@omni/auth';
import type {
  AcceptOfferRequest,
  AcceptOfferResponse,
  DeclineOfferRequest,
  DeclineOfferResponse,
  ExplainAssignmentRequest,
  ExplainAssignmentResponse,
  GetAgentRequest,
  GetAgentResponse,
  GetRoutingPolicyRequest,
  GetRoutingPolicyResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  ListAgentsRequest,
  ListAgentsResponse,
  ListQueueRequest,
  ListQueueResponse,
  PutRoutingPolicyRequest,
  PutRoutingPolicyResponse,
  SetPresenceRequest,
  SetPresenceResponse,
  UpsertAgentRequest,
  UpsertAgentResponse,
} from '@omni/contracts';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '@omni/errors';
import type { AgentService } from '../../application/agent.service';
import type { Offers } from '../../application/offers';
import { isChannelGroup } from '../../domain/channel-group';
import { validatePolicy } from '../../domain/policy';
import { estimateWaits, WAIT_WINDOW_MS } from '../../domain/wait-estimate';
import type { AgentRepository } from '../mongo/agent.repository';
import type { DecisionRepository } from '../mongo/decision.repository';
import type { AgentDocument } from '../mongo/documents';
import type { PolicyRepository } from '../mongo/policy.repository';
import type { ReleaseRepository } from '../mongo/release.repository';
import type { RoutingStateRepository } from '../mongo/routing-state.repository';
import type { SlotRepository } from '../mongo/slot.repository';
import {
  agentToProto,
  capacityFromProto,
  decisionToProto,
  policyFromProto,
  policyToProto,
  presenceFromProto,
  queuedToProto,
} from './proto-mapping';

export interface RoutingOperationsDeps {
  agentService: AgentService;
  offers: Offers;
  agents: AgentRepository;
  slots: SlotRepository;
  states: RoutingStateRepository;
  decisions: DecisionRepository;
  policies: PolicyRepository;
  releases: ReleaseRepository;
  heartbeatTtlMs: number;
  clock?: () => Date;
}

function pageSize(requested: number, max: number): number {
  return requested > 0 ? Math.min(requested, max) : Math.min(50, max);
}

/** Admins manage agents and policies. */
const ADMINS: readonly ApiKeyRole[] = ['admin'];
/** Every key of the tenant may read agents, the queue, decisions and the policy. */
const READERS: readonly ApiKeyRole[] = ['agent', 'admin', 'integration'];
/** Presence, heartbeats and offers: an admin for anyone, an agent key only as its own agent. */
const AGENTS: readonly ApiKeyRole[] = ['agent', 'admin'];

/**
 * The RoutingService operations, on the request and response messages of the
 * proto, for both transports (gRPC and REST): every call runs in the tenant
 * of the caller's API key, and the role checks live here once.
 */
export function routingApi(deps: RoutingOperationsDeps) {
  const clock = deps.clock ?? (() => new Date());
  const withLoad = async (agent: AgentDocument) =>
    agentToProto(agent, (await deps.slots.loads(agent.tenantId, agent.agentId)).get(agent.agentId));

  /** An agent key may act only as the agent it is bound to (its api_key_id); admins may act for anyone. */
  const requireSelfOrAdmin = async (principal: Principal, agentId: string): Promise<void> => {
    if (principal.role === 'admin') return;
    const agent = await deps.agents.get(principal.tenantId, agentId);
    if (!agent) throw new NotFoundError(`agent ${agentId} not found`);
    if (!agent.apiKeyId || agent.apiKeyId !== principal.keyId) {
      throw new PermissionDeniedError('an agent may only act as themselves');
    }
  };

  return {
    upsertAgent: operation<UpsertAgentRequest, UpsertAgentResponse>(ADMINS, async ({ tenantId }, request) => {
      const agent = request.agent;
      if (!agent)
        throw new InvalidArgumentError('agent is required', { details: [{ field: 'agent', reason: 'required' }] });
      const saved = await deps.agentService.upsert(tenantId, {
        agentId: agent.agentId,
        name: agent.name,
        skills: { ...agent.skills },
        teams: [...agent.teams],
        capacity: capacityFromProto(agent.capacity),
        apiKeyId: agent.apiKeyId,
      });
      return { agent: await withLoad(saved) };
    }),

    getAgent: operation<GetAgentRequest, GetAgentResponse>(READERS, async ({ tenantId }, request) => ({
      agent: await withLoad(await deps.agentService.get(tenantId, request.agentId)),
    })),

    listAgents: operation<ListAgentsRequest, ListAgentsResponse>(READERS, async ({ tenantId }, request) => {
      const limit = pageSize(request.pageSize, 500);
      const page = await deps.agents.list(tenantId, {
        presence: presenceFromProto(request.presence),
        afterAgentId: request.pageToken || undefined,
        limit: limit + 1,
      });
      const agents = page.slice(0, limit);
      const last = agents[agents.length - 1];
      const loads = await deps.slots.loads(tenantId);
      return {
        agents: agents.map((a) => agentToProto(a, loads.get(a.agentId))),
        nextPageToken: page.length > limit && last ? last.agentId : '',
      };
    }),

    setPresence: operation<SetPresenceRequest, SetPresenceResponse>(AGENTS, async (principal, request) => {
      const presence = presenceFromProto(request.presence);
      if (!presence) {
        throw new InvalidArgumentError('presence is required', {
          details: [{ field: 'presence', reason: 'PRESENCE_ONLINE, PRESENCE_AWAY or PRESENCE_OFFLINE' }],
        });
      }
      await requireSelfOrAdmin(principal, request.agentId);
      const { agent, requeued } = await deps.agentService.setPresence(principal.tenantId, request.agentId, presence);
      return { agent: await withLoad(agent), requeuedConversationIds: requeued };
    }),

    heartbeat: operation<HeartbeatRequest, HeartbeatResponse>(AGENTS, async (principal, request) => {
      await requireSelfOrAdmin(principal, request.agentId);
      return {
        expiresAt: await deps.agentService.heartbeat(principal.tenantId, request.agentId, deps.heartbeatTtlMs),
      };
    }),

    listQueue: operation<ListQueueRequest, ListQueueResponse>(READERS, async ({ tenantId }, request) => {
      const group = request.channelGroup || undefined;
      if (group !== undefined && !isChannelGroup(group)) {
        throw new InvalidArgumentError('unknown channel group', {
          details: [{ field: 'channel_group', reason: 'email or messaging' }],
        });
      }
      const now = clock();
      const [queued, releases, agents] = await Promise.all([
        deps.states.queued(tenantId, group, pageSize(request.pageSize, 1000)),
        deps.releases.since(tenantId, new Date(now.getTime() - WAIT_WINDOW_MS)),
        deps.agents.snapshots(tenantId, new Map()),
      ]);
      const waits = estimateWaits(queued, releases, agents, now);
      return { conversations: queued.map((state) => queuedToProto(state, waits.get(state.conversationId))) };
    }),

    explainAssignment: operation<ExplainAssignmentRequest, ExplainAssignmentResponse>(
      READERS,
      async ({ tenantId }, request) => {
        // The slot names the decision of a live assignment even before the state records it (it is announced first).
        const [state, slot] = await Promise.all([
          deps.states.get(tenantId, request.conversationId),
          deps.slots.forConversation(tenantId, request.conversationId),
        ]);
        const decisionId = slot?.decisionId || state?.decisionId;
        const decision = decisionId ? await deps.decisions.get(tenantId, decisionId) : null;
        if (!decision) throw new NotFoundError(`no routing decision for conversation ${request.conversationId}`);
        return { decision: decisionToProto(decision) };
      },
    ),

    putRoutingPolicy: operation<PutRoutingPolicyRequest, PutRoutingPolicyResponse>(
      ADMINS,
      async ({ tenantId }, request) => {
        const policy = policyFromProto(request.policy);
        const warnings = validatePolicy(policy, await deps.agents.skillNames(tenantId));
        const current = await deps.policies.current(tenantId);
        const saved = await deps.policies.replace(tenantId, policy, current.version, clock());
        return { policy: policyToProto(saved), warnings };
      },
    ),

    getRoutingPolicy: operation<GetRoutingPolicyRequest, GetRoutingPolicyResponse>(READERS, async ({ tenantId }) => ({
      policy: policyToProto(await deps.policies.current(tenantId)),
    })),

    acceptOffer: operation<AcceptOfferRequest, AcceptOfferResponse>(AGENTS, async (principal, request) => {
      await requireSelfOrAdmin(principal, request.agentId);
      await deps.offers.accept(principal.tenantId, request.conversationId, request.agentId);
      return { conversationId: request.conversationId, agentId: request.agentId };
    }),

    declineOffer: operation<DeclineOfferRequest, DeclineOfferResponse>(AGENTS, async (principal, request) => {
      await requireSelfOrAdmin(principal, request.agentId);
      await deps.offers.decline(principal.tenantId, request.conversationId, request.agentId);
      return {};
    }),
  };
}

export type RoutingApi = ReturnType<typeof routingApi>;
