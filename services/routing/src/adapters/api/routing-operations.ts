import { type Principal, requireRole } from '@omni/auth';
import type {
  AcceptOfferRequest,
  AcceptOfferResponse,
  DeclineOfferRequest,
  DeclineOfferResponse,
  ExplainAssignmentRequest,
  ExplainAssignmentResponse,
  GetAgentRequest,
  GetAgentResponse,
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

/**
 * The RoutingService operations, on the request and response messages of the
 * proto, for both transports (gRPC and REST): every call runs in the tenant
 * of the caller's API key, and the role checks live here once.
 */
export class RoutingOperations {
  private readonly clock: () => Date;

  constructor(private readonly deps: RoutingOperationsDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async upsertAgent(principal: Principal, request: UpsertAgentRequest): Promise<UpsertAgentResponse> {
    requireRole(principal, ['admin']);
    const agent = request.agent;
    if (!agent)
      throw new InvalidArgumentError('agent is required', { details: [{ field: 'agent', reason: 'required' }] });
    const saved = await this.deps.agentService.upsert(principal.tenantId, {
      agentId: agent.agentId,
      name: agent.name,
      skills: { ...agent.skills },
      teams: [...agent.teams],
      capacity: capacityFromProto(agent.capacity),
      apiKeyId: agent.apiKeyId,
    });
    return { agent: await this.withLoad(saved) };
  }

  async getAgent(principal: Principal, request: GetAgentRequest): Promise<GetAgentResponse> {
    return { agent: await this.withLoad(await this.deps.agentService.get(principal.tenantId, request.agentId)) };
  }

  async listAgents(principal: Principal, request: ListAgentsRequest): Promise<ListAgentsResponse> {
    const { tenantId } = principal;
    const limit = pageSize(request.pageSize, 500);
    const page = await this.deps.agents.list(tenantId, {
      presence: presenceFromProto(request.presence),
      afterAgentId: request.pageToken || undefined,
      limit: limit + 1,
    });
    const agents = page.slice(0, limit);
    const last = agents[agents.length - 1];
    const loads = await this.deps.slots.loads(tenantId);
    return {
      agents: agents.map((a) => agentToProto(a, loads.get(a.agentId))),
      nextPageToken: page.length > limit && last ? last.agentId : '',
    };
  }

  async setPresence(principal: Principal, request: SetPresenceRequest): Promise<SetPresenceResponse> {
    const presence = presenceFromProto(request.presence);
    if (!presence) {
      throw new InvalidArgumentError('presence is required', {
        details: [{ field: 'presence', reason: 'online, away or offline' }],
      });
    }
    await this.requireSelfOrAdmin(principal, request.agentId);
    const { agent, requeued } = await this.deps.agentService.setPresence(principal.tenantId, request.agentId, presence);
    return { agent: await this.withLoad(agent), requeuedConversationIds: requeued };
  }

  async heartbeat(principal: Principal, request: HeartbeatRequest): Promise<HeartbeatResponse> {
    await this.requireSelfOrAdmin(principal, request.agentId);
    const { tenantId } = principal;
    return { expiresAt: await this.deps.agentService.heartbeat(tenantId, request.agentId, this.deps.heartbeatTtlMs) };
  }

  async listQueue(principal: Principal, request: ListQueueRequest): Promise<ListQueueResponse> {
    const { tenantId } = principal;
    const group = request.channelGroup || undefined;
    if (group !== undefined && !isChannelGroup(group)) {
      throw new InvalidArgumentError('unknown channel group', {
        details: [{ field: 'channel_group', reason: 'email or messaging' }],
      });
    }
    const now = this.clock();
    const [queued, releases, agents] = await Promise.all([
      this.deps.states.queued(tenantId, group, pageSize(request.pageSize, 1000)),
      this.deps.releases.since(tenantId, new Date(now.getTime() - WAIT_WINDOW_MS)),
      this.deps.agents.snapshots(tenantId, new Map()),
    ]);
    const waits = estimateWaits(queued, releases, agents, now);
    return { conversations: queued.map((state) => queuedToProto(state, waits.get(state.conversationId))) };
  }

  async explainAssignment(principal: Principal, request: ExplainAssignmentRequest): Promise<ExplainAssignmentResponse> {
    const { tenantId } = principal;
    // The slot names the decision of a live assignment even before the state records it (it is announced first).
    const [state, slot] = await Promise.all([
      this.deps.states.get(tenantId, request.conversationId),
      this.deps.slots.forConversation(tenantId, request.conversationId),
    ]);
    const decisionId = slot?.decisionId || state?.decisionId;
    const decision = decisionId ? await this.deps.decisions.get(tenantId, decisionId) : null;
    if (!decision) throw new NotFoundError(`no routing decision for conversation ${request.conversationId}`);
    return { decision: decisionToProto(decision) };
  }

  async putRoutingPolicy(principal: Principal, request: PutRoutingPolicyRequest): Promise<PutRoutingPolicyResponse> {
    requireRole(principal, ['admin']);
    const policy = policyFromProto(request.policy);
    const warnings = validatePolicy(policy, await this.deps.agents.skillNames(principal.tenantId));
    const current = await this.deps.policies.current(principal.tenantId);
    const saved = await this.deps.policies.replace(principal.tenantId, policy, current.version, this.clock());
    return { policy: policyToProto(saved), warnings };
  }

  async getRoutingPolicy(principal: Principal): Promise<GetRoutingPolicyResponse> {
    return { policy: policyToProto(await this.deps.policies.current(principal.tenantId)) };
  }

  async acceptOffer(principal: Principal, request: AcceptOfferRequest): Promise<AcceptOfferResponse> {
    await this.requireSelfOrAdmin(principal, request.agentId);
    await this.deps.offers.accept(principal.tenantId, request.conversationId, request.agentId);
    return { conversationId: request.conversationId, agentId: request.agentId };
  }

  async declineOffer(principal: Principal, request: DeclineOfferRequest): Promise<DeclineOfferResponse> {
    await this.requireSelfOrAdmin(principal, request.agentId);
    await this.deps.offers.decline(principal.tenantId, request.conversationId, request.agentId);
    return {};
  }

  private async withLoad(agent: AgentDocument) {
    return agentToProto(agent, (await this.deps.slots.loads(agent.tenantId, agent.agentId)).get(agent.agentId));
  }

  /** An agent key may act only as the agent it is bound to; admins may act for anyone. */
  private async requireSelfOrAdmin(principal: Principal, agentId: string): Promise<void> {
    if (principal.role === 'admin') return;
    const agent = await this.deps.agents.get(principal.tenantId, agentId);
    if (!agent) throw new NotFoundError(`agent ${agentId} not found`);
    if (principal.role !== 'agent' || !agent.apiKeyId || agent.apiKeyId !== principal.keyId) {
      throw new PermissionDeniedError('an agent may only act as themselves');
    }
  }
}
