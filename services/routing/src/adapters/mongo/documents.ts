import type { Presence, SkillLevels } from '../../domain/agent';
import type { CandidateEvaluation } from '../../domain/candidates';
import type { ChannelGroup, GroupCounts } from '../../domain/channel-group';
import type { EscalationStep } from '../../domain/escalation';
import type { RoutingRule } from '../../domain/policy';

export const Collections = {
  agents: 'agents',
  slots: 'agent_slots',
  states: 'routing_conversations',
  decisions: 'decisions',
  policies: 'routing_policies',
  closures: 'routing_closures',
  releases: 'routing_releases',
} as const;

/** One agent's profile and presence. Its load lives in `agent_slots`, one document per conversation held. */
export interface AgentDocument {
  _id: string;
  tenantId: string;
  agentId: string;
  name: string;
  skills: SkillLevels;
  teams: string[];
  capacity: GroupCounts;
  presence: Presence;
  heartbeatAt: Date;
  lastAssignedAt: Date | null;
  version: number;
  apiKeyId: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One unit of an agent's capacity in a channel group, held by one
 * conversation. `_id` is (agent, group, slot index < capacity) and
 * `conversationKey` is unique, so the unique indexes themselves guarantee
 * that no agent holds more than its capacity and no conversation is held
 * twice, whatever the number of replicas. (FerretDB v1 on SQLite does not
 * isolate concurrent conditional updates of one document, but it does
 * enforce unique indexes.)
 */
export interface SlotDocument {
  _id: string;
  tenantId: string;
  agentId: string;
  group: ChannelGroup;
  index: number;
  conversationKey: string;
  conversationId: string;
  claimedAt: Date;
  /** The AssignmentEvent announcing this assignment; the state records it once Kafka acknowledged it. */
  eventId: string;
  decisionId: string;
  escalationStep?: number;
  /** Offer mode: the agent must accept before then, or the conversation moves on. */
  offerExpiresAt?: Date;
  /** When the agent accepted the offer (its ASSIGNED event follows). */
  acceptedAt?: Date;
}

export type RoutingStateName = 'queued' | 'assigned' | 'closed';

/** An AssignmentEvent waiting in the state document until Kafka acknowledged it (the outbox). */
export interface PendingAssignmentEvent {
  action: 'assigned' | 'queued' | 'unassigned' | 'offered' | 'sla_breached';
  agentId: string;
  previousAgentId: string;
  decisionId: string;
  reason: string;
  escalationStep: number;
  occurredAt: Date;
}

/** Routing's view of one conversation; `routeVersion` guards every transition. */
export interface RoutingStateDocument {
  _id: string;
  tenantId: string;
  conversationId: string;
  state: RoutingStateName;
  group: ChannelGroup;
  /** The effective requirement at the current escalation step. */
  requiredSkills: SkillLevels;
  /** Only agents of these teams (empty: any); widened by escalation. */
  teams?: string[];
  /** What the policy asked for before escalation. */
  baseRequiredSkills?: SkillLevels;
  optionalSkills?: SkillLevels;
  escalation?: EscalationStep[];
  escalationStep?: number;
  /** When the next escalation step falls due; null after the last. */
  escalationDueAt?: Date | null;
  /** Held for `lastAgentId` until then while that agent is full. */
  stickyUntil?: Date | null;
  offerTimeoutSeconds?: number;
  /** Agents who declined it or let an offer time out during this wait. */
  excludedAgentIds?: string[];
  /** The SLA_BREACHED event of this wait was recorded. */
  slaBreached?: boolean;
  priority: number;
  team: string;
  policyVersion: number;
  slaDueAt: Date;
  /** When the conversation first waited; a requeue keeps it, a reopen starts a new wait. */
  enqueuedAt: Date;
  agentId: string | null;
  /** The slot event (ASSIGNED or OFFERED) Kafka acknowledged for the current assignment. */
  announcedEventId?: string;
  lastAgentId: string;
  /** The queue decision for the current wait was stored and announced. */
  queueAnnounced: boolean;
  /** Why the conversation waits: opened, reopened or requeued (the first decision's trigger). */
  trigger: string;
  routeVersion: number;
  /** The conversation event version that last opened or closed it: older replays are ignored. */
  lifecycleVersion: number;
  decisionId: string;
  outbox: Record<string, PendingAssignmentEvent>;
  outboxCount: number;
  updatedAt: Date;
}

/**
 * Insert-only proof that a conversation was closed by the event of this
 * version: unlike a field of the state document, no concurrent rewrite of
 * that document can undo it.
 */
export interface ClosureDocument {
  _id: string;
  tenantId: string;
  conversationId: string;
  version: number;
  closedAt: Date;
}

export interface DecisionDocument {
  _id: string;
  tenantId: string;
  conversationId: string;
  trigger: string;
  outcome: 'assigned' | 'queued' | 'offered';
  agentId: string;
  group: ChannelGroup;
  requiredSkills: SkillLevels;
  priority: number;
  candidates: (CandidateEvaluation & { claimLost: boolean })[];
  /** Candidates beyond the stored ones (all excluded or ranked lowest). */
  omittedCandidates?: number;
  tieBreak: string;
  policyVersion: number;
  escalationStep: number;
  decidedAt: Date;
  loadAfterClaim: number;
  capacityAtClaim: number;
}

export interface PolicyDocument {
  _id: string;
  tenantId: string;
  version: number;
  rules: RoutingRule[];
  defaultPriority: number;
  escalation?: EscalationStep[];
  stickyWaitSeconds?: number;
  offerTimeoutSeconds?: number;
  updatedAt: Date;
}

/** Insert-only record of capacity freed by a resolution, for the estimated wait. */
export interface ReleaseDocument {
  _id: string;
  tenantId: string;
  agentId: string;
  group: ChannelGroup;
  releasedAt: Date;
}

export function agentKey(tenantId: string, agentId: string): string {
  return `${tenantId}:${agentId}`;
}

export function stateKey(tenantId: string, conversationId: string): string {
  return `${tenantId}:${conversationId}`;
}

export function slotKey(tenantId: string, agentId: string, group: ChannelGroup, index: number): string {
  return `${tenantId}:${agentId}:${group}:${index}`;
}
