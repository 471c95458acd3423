import { asPrincipal, type Principal, requireRole } from '@omni/auth';
import type { RoutingServiceServer } from '@omni/contracts';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '@omni/errors';
import { principalOf, unary } from '@omni/grpc';
import type { AgentService } from '../../application/agent.service';
import { isChannelGroup } from '../../domain/channel-group';
import { validatePolicy } from '../../domain/policy';
import type { AgentRepository } from '../mongo/agent.repository';
import type { DecisionRepository } from '../mongo/decision.repository';
import type { AgentDocument } from '../mongo/documents';
import type { PolicyRepository } from '../mongo/policy.repository';
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

export interface RoutingServerDeps {
  agentService: AgentService;
  agents: AgentRepository;
  slots: SlotRepository;
  states: RoutingStateRepository;
  decisions: DecisionRepository;
  policies: PolicyRepository;
  heartbeatTtlMs: number;
}

const caller = (call: Parameters<Parameters<typeof unary>[0]>[1]): Principal => asPrincipal(principalOf(call));

function pageSize(requested: number, max: number): number {
  return requested > 0 ? Math.min(requested, max) : Math.min(50, max);
}

/** An agent key may change only the agent it is bound to; admins may change anyone. */
async function requireSelfOrAdmin(deps: RoutingServerDeps, principal: Principal, agentId: string): Promise<void> {
  if (principal.role === 'admin') return;
  const agent = await deps.agents.get(principal.tenantId, agentId);
  if (!agent) throw new NotFoundError(`agent ${agentId} not found`);
  if (principal.role !== 'agent' || !agent.apiKeyId || agent.apiKeyId !== principal.keyId) {
    throw new PermissionDeniedError('an agent may only set their own presence');
  }
}

/** RoutingService: every call runs in the tenant of the caller's API key. */
export function routingServer(deps: RoutingServerDeps): RoutingServiceServer {
  const withLoad = async (agent: AgentDocument) =>
    agentToProto(agent, (await deps.slots.loads(agent.tenantId, agent.agentId)).get(agent.agentId));
  return {
    upsertAgent: unary(async (request, call) => {
      const principal = caller(call);
      requireRole(principal, ['admin']);
      const agent = request.agent;
      if (!agent)
        throw new InvalidArgumentError('agent is required', { details: [{ field: 'agent', reason: 'required' }] });
      const saved = await deps.agentService.upsert(principal.tenantId, {
        agentId: agent.agentId,
        name: agent.name,
        skills: { ...agent.skills },
        teams: [...agent.teams],
        capacity: capacityFromProto(agent.capacity),
        apiKeyId: agent.apiKeyId,
      });
      return { agent: await withLoad(saved) };
    }),
    getAgent: unary(async (request, call) => {
      const { tenantId } = caller(call);
      return { agent: await withLoad(await deps.agentService.get(tenantId, request.agentId)) };
    }),
    listAgents: unary(async (request, call) => {
      const { tenantId } = caller(call);
      const limit = pageSize(request.pageSize, 500);
      const presence = presenceFromProto(request.presence);
      const page = await deps.agents.list(tenantId, {
        presence,
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
    setPresence: unary(async (request, call) => {
      const principal = caller(call);
      const presence = presenceFromProto(request.presence);
      if (!presence) {
        throw new InvalidArgumentError('presence is required', {
          details: [{ field: 'presence', reason: 'online, away or offline' }],
        });
      }
      await requireSelfOrAdmin(deps, principal, request.agentId);
      const { agent, requeued } = await deps.agentService.setPresence(principal.tenantId, request.agentId, presence);
      return { agent: await withLoad(agent), requeuedConversationIds: requeued };
    }),
    heartbeat: unary(async (request, call) => {
      const principal = caller(call);
      await requireSelfOrAdmin(deps, principal, request.agentId);
      const expiresAt = await deps.agentService.heartbeat(principal.tenantId, request.agentId, deps.heartbeatTtlMs);
      return { expiresAt };
    }),
    listQueue: unary(async (request, call) => {
      const { tenantId } = caller(call);
      const group = request.channelGroup || undefined;
      if (group !== undefined && !isChannelGroup(group)) {
        throw new InvalidArgumentError('unknown channel group', {
          details: [{ field: 'channel_group', reason: 'email or messaging' }],
        });
      }
      const queued = await deps.states.queued(tenantId, group, pageSize(request.pageSize, 1000));
      return { conversations: queued.map(queuedToProto) };
    }),
    explainAssignment: unary(async (request, call) => {
      const { tenantId } = caller(call);
      const state = await deps.states.get(tenantId, request.conversationId);
      const decision = state?.decisionId ? await deps.decisions.get(tenantId, state.decisionId) : null;
      if (!decision) throw new NotFoundError(`no routing decision for conversation ${request.conversationId}`);
      return { decision: decisionToProto(decision) };
    }),
    putRoutingPolicy: unary(async (request, call) => {
      const principal = caller(call);
      requireRole(principal, ['admin']);
      const policy = policyFromProto(request.policy);
      const warnings = validatePolicy(policy, await deps.agents.skillNames(principal.tenantId));
      const current = await deps.policies.current(principal.tenantId);
      const saved = await deps.policies.replace(principal.tenantId, policy, current.version, new Date());
      return { policy: policyToProto(saved), warnings };
    }),
    getRoutingPolicy: unary(async (_request, call) => {
      const { tenantId } = caller(call);
      return { policy: policyToProto(await deps.policies.current(tenantId)) };
    }),
  };
}
