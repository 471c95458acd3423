import {
  type Agent,
  type CandidateEvaluation,
  ExclusionReason,
  Presence,
  type QueuedConversation,
  type RoutingDecision,
  type RoutingPolicy as RoutingPolicyMessage,
} from '@omni/contracts';
import { InvalidArgumentError } from '@omni/errors';
import type { Presence as DomainPresence } from '../../domain/agent';
import type { ExclusionReason as DomainExclusion } from '../../domain/candidates';
import { CHANNEL_GROUPS, type GroupCounts, isChannelGroup } from '../../domain/channel-group';
import type { RoutingPolicy } from '../../domain/policy';
import type { AgentDocument, DecisionDocument, RoutingStateDocument } from '../mongo/documents';

const PRESENCE_TO_PROTO: Record<DomainPresence, Presence> = {
  online: Presence.PRESENCE_ONLINE,
  away: Presence.PRESENCE_AWAY,
  offline: Presence.PRESENCE_OFFLINE,
};

const EXCLUSION_TO_PROTO: Record<DomainExclusion, ExclusionReason> = {
  presence: ExclusionReason.EXCLUSION_REASON_PRESENCE,
  heartbeat: ExclusionReason.EXCLUSION_REASON_HEARTBEAT,
  skill: ExclusionReason.EXCLUSION_REASON_SKILL,
  level: ExclusionReason.EXCLUSION_REASON_LEVEL,
  capacity: ExclusionReason.EXCLUSION_REASON_CAPACITY,
  team: ExclusionReason.EXCLUSION_REASON_TEAM,
  declined: ExclusionReason.EXCLUSION_REASON_DECLINED,
  sticky_hold: ExclusionReason.EXCLUSION_REASON_STICKY_HOLD,
};

export function presenceFromProto(presence: Presence): DomainPresence | undefined {
  const entry = Object.entries(PRESENCE_TO_PROTO).find(([, value]) => value === presence);
  return entry?.[0] as DomainPresence | undefined;
}

/** Capacity per known channel group; unknown groups and negative numbers are refused. */
export function capacityFromProto(capacity: Record<string, number>): GroupCounts {
  const counts: GroupCounts = { email: 0, messaging: 0 };
  for (const [group, value] of Object.entries(capacity)) {
    if (!isChannelGroup(group)) {
      throw new InvalidArgumentError('unknown channel group', {
        details: [{ field: `agent.capacity.${group}`, reason: `groups are ${CHANNEL_GROUPS.join(', ')}` }],
      });
    }
    if (!Number.isInteger(value) || value < 0 || value > 1000) {
      throw new InvalidArgumentError('invalid capacity', {
        details: [{ field: `agent.capacity.${group}`, reason: 'an integer 0-1000' }],
      });
    }
    counts[group] = value;
  }
  return counts;
}

/** An agent with its live load (counted from its capacity slots). */
export function agentToProto(doc: AgentDocument, load: GroupCounts = { email: 0, messaging: 0 }): Agent {
  return {
    agentId: doc.agentId,
    name: doc.name,
    skills: doc.skills,
    teams: doc.teams,
    capacity: { ...doc.capacity },
    load: { ...load },
    presence: PRESENCE_TO_PROTO[doc.presence],
    heartbeatAt: doc.heartbeatAt.getTime() > 0 ? doc.heartbeatAt : undefined,
    lastAssignedAt: doc.lastAssignedAt ?? undefined,
    version: doc.version,
    apiKeyId: doc.apiKeyId,
  };
}

export function queuedToProto(state: RoutingStateDocument, estimatedWaitSeconds?: number): QueuedConversation {
  const held = state.stickyUntil && state.lastAgentId ? state : undefined;
  return {
    conversationId: state.conversationId,
    channelGroup: state.group,
    priority: state.priority,
    requiredSkills: state.requiredSkills,
    slaDueAt: state.slaDueAt,
    enqueuedAt: state.enqueuedAt,
    estimatedWaitSeconds,
    escalationStep: state.escalationStep ?? 0,
    teams: state.teams ?? [],
    stickyAgentId: held?.lastAgentId ?? '',
    stickyUntil: held?.stickyUntil ?? undefined,
  };
}

export function decisionToProto(doc: DecisionDocument): RoutingDecision {
  const candidates: CandidateEvaluation[] = doc.candidates.map((c) => ({
    agentId: c.agentId,
    eligible: c.eligible,
    exclusions: c.exclusions.map((e) => ({ reason: EXCLUSION_TO_PROTO[e.reason], detail: e.detail })),
    load: c.load,
    capacity: c.capacity,
    loadRatio: c.loadRatio,
    lastAssignedAt: c.lastAssignedAt ?? undefined,
    rank: c.rank,
    sticky: c.sticky,
    claimLost: c.claimLost,
  }));
  return {
    id: doc._id,
    conversationId: doc.conversationId,
    trigger: doc.trigger,
    outcome: doc.outcome,
    agentId: doc.agentId,
    channelGroup: doc.group,
    requiredSkills: doc.requiredSkills,
    priority: doc.priority,
    candidates,
    tieBreak: doc.tieBreak,
    policyVersion: doc.policyVersion,
    escalationStep: doc.escalationStep,
    decidedAt: doc.decidedAt,
    loadAfterClaim: doc.loadAfterClaim,
    capacityAtClaim: doc.capacityAtClaim,
    omittedCandidates: doc.omittedCandidates ?? 0,
  };
}

export function policyToProto(policy: RoutingPolicy): RoutingPolicyMessage {
  return {
    version: policy.version,
    defaultPriority: policy.defaultPriority,
    rules: policy.rules.map((rule) => ({ ...rule, match: { ...rule.match } })),
    escalation: policy.escalation.map((step) => ({ ...step })),
    stickyWaitSeconds: policy.stickyWaitSeconds,
    offerTimeoutSeconds: policy.offerTimeoutSeconds,
  };
}

export function policyFromProto(message: RoutingPolicyMessage | undefined): Omit<RoutingPolicy, 'version'> {
  if (!message)
    throw new InvalidArgumentError('policy is required', { details: [{ field: 'policy', reason: 'required' }] });
  return {
    defaultPriority: message.defaultPriority,
    escalation: message.escalation.map((step) => ({ ...step })),
    stickyWaitSeconds: message.stickyWaitSeconds,
    offerTimeoutSeconds: message.offerTimeoutSeconds,
    rules: message.rules.map((rule) => ({
      name: rule.name,
      requiredSkills: { ...rule.requiredSkills },
      optionalSkills: { ...rule.optionalSkills },
      priority: rule.priority,
      team: rule.team,
      match: {
        channels: rule.match?.channels ?? [],
        inboxIds: rule.match?.inboxIds ?? [],
        languages: rule.match?.languages ?? [],
        keywords: rule.match?.keywords ?? [],
        customerAttributes: { ...(rule.match?.customerAttributes ?? {}) },
      },
    })),
  };
}
