import type { GroupCounts } from './channel-group';

export const PRESENCES = ['online', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** Skill name to level 1–10 (an agent's proficiency, or a conversation's minimum). */
export type SkillLevels = Record<string, number>;

/** What a decision needs to know about an agent. */
export interface AgentSnapshot {
  agentId: string;
  skills: SkillLevels;
  teams: string[];
  capacity: GroupCounts;
  load: GroupCounts;
  presence: Presence;
  heartbeatAt: Date;
  lastAssignedAt: Date | null;
}

/** Every required skill at (at least) its level. */
export function hasSkills(agentSkills: SkillLevels, required: SkillLevels): boolean {
  return Object.entries(required).every(([skill, level]) => (agentSkills[skill] ?? 0) >= level);
}

/** Online and heard from within the heartbeat TTL: only then may work be handed over. */
export function isAvailable(agent: Pick<AgentSnapshot, 'presence' | 'heartbeatAt'>, now: Date, ttlMs: number): boolean {
  return agent.presence === 'online' && agent.heartbeatAt.getTime() >= now.getTime() - ttlMs;
}

/** An agent qualifies for a team-bound conversation only as a member of one of its teams (empty: any team). */
export function inTeams(agentTeams: readonly string[], teams: readonly string[] | undefined): boolean {
  return !teams || teams.length === 0 || teams.some((team) => agentTeams.includes(team));
}
