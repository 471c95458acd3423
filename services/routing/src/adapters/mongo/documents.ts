import type { Presence, SkillLevels } from '../../domain/agent';
import type { CandidateEvaluation } from '../../domain/candidates';
import type { ChannelGroup, GroupCounts } from '../../domain/channel-group';
import type { RoutingRule } from '../../domain/policy';

export const Collections = {
  agents: 'agents',
  slots: 'agent_slots',
  states: 'routing_conversations',
  decisions: 'decisions',
  policies: 'routing_policies',
  closures: 'routing_closures',
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
  /** The AssignmentEvent announcing this assignment, and whether Kafka acknowledged it. */
  eventId: string;
  decisionId: string;
  announced: boolean;
}

export type RoutingStateName = 'queued' | 'assigned' | 'closed';

/** An AssignmentEvent waiting in the state document until Kafka acknowledged it (the outbox). */
export interface PendingAssignmentEvent {
  action: 'assigned' | 'queued' | 'unassigned';
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
  requiredSkills: SkillLevels;
  priority: number;
  team: string;
  policyVersion: number;
  slaDueAt: Date;
  /** When the conversation first waited; a requeue keeps it, a reopen starts a new wait. */
  enqueuedAt: Date;
  agentId: string | null;
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
  outcome: 'assigned' | 'queued';
  agentId: string;
  group: ChannelGroup;
  requiredSkills: SkillLevels;
  priority: number;
  candidates: (CandidateEvaluation & { claimLost: boolean })[];
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
  updatedAt: Date;
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
