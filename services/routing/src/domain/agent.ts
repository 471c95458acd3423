import type { FieldViolation } from '@omni/errors';
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

/** What an admin writes about an agent (the rest is the server's). */
export interface AgentProfileFields {
  agentId: string;
  name: string;
  skills: SkillLevels;
  teams: string[];
  apiKeyId: string;
}

const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;
const MAX_NAME = 200;
const MAX_TEAMS = 50;
const MAX_TEAM = 64;
const MAX_KEY_ID = 128;

/** Every problem of a profile, by its field; sizes are bounded so an agent's document stays small. */
export function agentProfileViolations(profile: AgentProfileFields): FieldViolation[] {
  const details: FieldViolation[] = [];
  if (!AGENT_ID.test(profile.agentId)) {
    details.push({ field: 'agent.agent_id', reason: 'required, at most 128 of A-Z a-z 0-9 _ . @ : -' });
  }
  if (profile.name.length > MAX_NAME) details.push({ field: 'agent.name', reason: `at most ${MAX_NAME} characters` });
  for (const [skill, level] of Object.entries(profile.skills)) {
    if (!Number.isInteger(level) || level < 1 || level > 10) {
      details.push({ field: `agent.skills.${skill}`, reason: 'level must be 1-10' });
    }
  }
  if (profile.teams.length > MAX_TEAMS) details.push({ field: 'agent.teams', reason: `at most ${MAX_TEAMS} teams` });
  profile.teams.forEach((team, index) => {
    if (!team || team.length > MAX_TEAM) {
      details.push({ field: `agent.teams[${index}]`, reason: `1-${MAX_TEAM} characters` });
    }
  });
  if (profile.apiKeyId.length > MAX_KEY_ID) {
    details.push({ field: 'agent.api_key_id', reason: `at most ${MAX_KEY_ID} characters` });
  }
  return details;
}
