import { hasSkills, inTeams, type SkillLevels } from './agent';

export interface QueueEntry {
  conversationId: string;
  priority: number;
  slaDueAt: Date;
  enqueuedAt: Date;
  requiredSkills: SkillLevels;
  teams?: readonly string[];
  excludedAgentIds?: readonly string[];
  /** Held for this agent until `stickyUntil` (see candidates' sticky hold). */
  lastAgentId?: string;
  stickyUntil?: Date | null;
}

/** Who is asking for work. */
export interface Taker {
  agentId: string;
  skills: SkillLevels;
  teams: readonly string[];
}

/** Queue order: higher priority first, then the nearest SLA breach, then the oldest. */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const due = a.slaDueAt.getTime() - b.slaDueAt.getTime();
  if (due !== 0) return due;
  const age = a.enqueuedAt.getTime() - b.enqueuedAt.getTime();
  if (age !== 0) return age;
  return a.conversationId.localeCompare(b.conversationId);
}

/** Whether this agent may take the entry now: skills, teams, not declined, not held for someone else. */
export function canTake(entry: QueueEntry, taker: Taker, now: Date): boolean {
  if (!hasSkills(taker.skills, entry.requiredSkills) || !inTeams(taker.teams, entry.teams)) return false;
  if (entry.excludedAgentIds?.includes(taker.agentId)) return false;
  const held = entry.lastAgentId && entry.stickyUntil && entry.stickyUntil > now;
  return !held || entry.lastAgentId === taker.agentId;
}

/** The best waiting conversation this agent can take, or undefined. */
export function bestTakeable<E extends QueueEntry>(entries: readonly E[], taker: Taker, now: Date): E | undefined {
  return [...entries].sort(compareQueueEntries).find((entry) => canTake(entry, taker, now));
}
