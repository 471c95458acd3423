import type { SkillLevels } from './agent';
import { type AgentSnapshot, inTeams, isAvailable } from './agent';
import type { ChannelGroup } from './channel-group';

export type ExclusionReason =
  | 'presence'
  | 'heartbeat'
  | 'skill'
  | 'level'
  | 'capacity'
  | 'team'
  | 'declined'
  | 'sticky_hold';

export interface Exclusion {
  reason: ExclusionReason;
  detail: string;
}

export interface CandidateEvaluation {
  agentId: string;
  eligible: boolean;
  exclusions: Exclusion[];
  load: number;
  capacity: number;
  loadRatio: number;
  lastAssignedAt: Date | null;
  /** 1-based position among eligible agents; 0 when excluded. */
  rank: number;
  sticky: boolean;
}

export interface Requirement {
  group: ChannelGroup;
  requiredSkills: SkillLevels;
  /** Only members of these teams (empty or absent: any team). */
  teams?: readonly string[];
  /** Agents who declined it or let its offer time out. */
  excludedAgentIds?: readonly string[];
}

export interface EvaluationContext {
  now: Date;
  heartbeatTtlMs: number;
  /** The agent who last served the customer: first choice while they qualify. */
  stickyAgentId?: string;
  /** Until then, a sticky agent who qualifies but is full is waited for: nobody else is eligible. */
  stickyHoldUntil?: Date;
}

export interface Evaluation {
  /** Eligible agents in preference order, then the excluded ones. */
  candidates: CandidateEvaluation[];
  /** Agent ids to try, best first. */
  order: string[];
  /** Why the first choice beat the runner-up. */
  tieBreak: string;
}

/** Every agent with what excludes it, and the eligible ones ordered: sticky, least loaded, longest idle, id. */
export function evaluateCandidates(
  agents: readonly AgentSnapshot[],
  requirement: Requirement,
  context: EvaluationContext,
): Evaluation {
  const evaluated = agents.map((agent) => evaluateOne(agent, requirement, context));
  const hold = stickyHold(evaluated, context);
  if (hold) {
    for (const candidate of evaluated.filter((c) => c.eligible)) {
      candidate.eligible = false;
      candidate.exclusions.push({ reason: 'sticky_hold', detail: hold });
    }
  }
  const eligible = evaluated.filter((c) => c.eligible).sort(preference);
  eligible.forEach((candidate, index) => {
    candidate.rank = index + 1;
  });
  const excluded = evaluated.filter((c) => !c.eligible).sort((a, b) => a.agentId.localeCompare(b.agentId));
  return {
    candidates: [...eligible, ...excluded],
    order: eligible.map((c) => c.agentId),
    tieBreak: hold ?? describeTieBreak(eligible[0], eligible[1]),
  };
}

/** The sticky agent is online and qualified but full, and the hold has not run out: wait for them. */
function stickyHold(evaluated: readonly CandidateEvaluation[], context: EvaluationContext): string | undefined {
  const until = context.stickyHoldUntil;
  if (!until || until <= context.now) return undefined;
  const sticky = evaluated.find((c) => c.sticky);
  const onlyFull = sticky?.exclusions.length === 1 && sticky.exclusions[0]?.reason === 'capacity';
  if (!sticky || !onlyFull) return undefined;
  return `held for ${sticky.agentId}, who last served the customer, until ${until.toISOString()}`;
}

function evaluateOne(agent: AgentSnapshot, requirement: Requirement, context: EvaluationContext): CandidateEvaluation {
  const { group, requiredSkills } = requirement;
  const exclusions: Exclusion[] = [];
  if (agent.presence !== 'online') {
    exclusions.push({ reason: 'presence', detail: agent.presence });
  } else if (!isAvailable(agent, context.now, context.heartbeatTtlMs)) {
    exclusions.push({ reason: 'heartbeat', detail: `last heartbeat ${agent.heartbeatAt.toISOString()}` });
  }
  for (const [skill, level] of Object.entries(requiredSkills)) {
    const has = agent.skills[skill];
    if (has === undefined) exclusions.push({ reason: 'skill', detail: `lacks ${skill}` });
    else if (has < level) exclusions.push({ reason: 'level', detail: `${skill} ${has} < ${level}` });
  }
  if (!inTeams(agent.teams, requirement.teams)) {
    exclusions.push({ reason: 'team', detail: `not in ${requirement.teams?.join(', ')}` });
  }
  if (requirement.excludedAgentIds?.includes(agent.agentId)) {
    exclusions.push({ reason: 'declined', detail: 'declined or let the offer time out' });
  }
  const load = agent.load[group] ?? 0;
  const capacity = agent.capacity[group] ?? 0;
  if (load >= capacity) exclusions.push({ reason: 'capacity', detail: `${group} ${load}/${capacity}` });
  return {
    agentId: agent.agentId,
    eligible: exclusions.length === 0,
    exclusions,
    load,
    capacity,
    loadRatio: capacity > 0 ? load / capacity : 1,
    lastAssignedAt: agent.lastAssignedAt,
    rank: 0,
    sticky: context.stickyAgentId !== undefined && context.stickyAgentId === agent.agentId,
  };
}

function idleSince(candidate: CandidateEvaluation): number {
  // Never assigned counts as idle the longest.
  return candidate.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
}

function preference(a: CandidateEvaluation, b: CandidateEvaluation): number {
  if (a.sticky !== b.sticky) return a.sticky ? -1 : 1;
  if (a.loadRatio !== b.loadRatio) return a.loadRatio - b.loadRatio;
  const idle = idleSince(a) - idleSince(b);
  if (idle !== 0 && !Number.isNaN(idle)) return idle;
  return a.agentId.localeCompare(b.agentId);
}

function describeTieBreak(first?: CandidateEvaluation, second?: CandidateEvaluation): string {
  if (!first) return 'no eligible agent';
  if (!second) return 'only eligible agent';
  if (first.sticky) return 'sticky: the agent who last served this customer';
  if (first.loadRatio !== second.loadRatio) {
    return `least loaded: ${first.loadRatio.toFixed(2)} < ${second.loadRatio.toFixed(2)}`;
  }
  if (idleSince(first) !== idleSince(second)) return 'longest idle at equal load';
  return 'agent id at equal load and idle time';
}
