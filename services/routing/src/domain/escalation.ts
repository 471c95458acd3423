import type { SkillLevels } from './agent';

/** One step of a waiting conversation's escalation (a TaskRouter-like target with a timeout). */
export interface EscalationStep {
  afterSeconds: number;
  dropOptionalSkills: boolean;
  lowerLevelsBy: number;
  widenToTeam: string;
}

/** What the policy asked for before any escalation. */
export interface BaseRequirement {
  requiredSkills: SkillLevels;
  optionalSkills: SkillLevels;
  team: string;
}

export interface EffectiveRequirement {
  requiredSkills: SkillLevels;
  /** Agents of any of these teams qualify; empty means any agent. */
  teams: string[];
}

/**
 * The requirement after the first `step` steps, which are cumulative: optional
 * skills count as required until a step drops them, levels go down by the sum
 * of the steps' reductions (never below 1), and each widening adds a team.
 */
export function effectiveRequirement(
  base: BaseRequirement,
  steps: readonly EscalationStep[],
  step: number,
): EffectiveRequirement {
  const applied = steps.slice(0, step);
  const dropOptional = applied.some((s) => s.dropOptionalSkills);
  const lowerBy = applied.reduce((sum, s) => sum + s.lowerLevelsBy, 0);
  const merged: SkillLevels = { ...base.requiredSkills };
  if (!dropOptional) {
    for (const [skill, level] of Object.entries(base.optionalSkills)) {
      merged[skill] = Math.max(merged[skill] ?? 0, level);
    }
  }
  const requiredSkills = Object.fromEntries(
    Object.entries(merged).map(([skill, level]) => [skill, Math.max(1, level - lowerBy)]),
  );
  const teams = base.team ? [...new Set([base.team, ...applied.map((s) => s.widenToTeam).filter(Boolean)])] : [];
  return { requiredSkills, teams };
}

/** When the step after `step` falls due for a conversation waiting since `enqueuedAt`; null after the last. */
export function nextEscalationAt(steps: readonly EscalationStep[], enqueuedAt: Date, step: number): Date | null {
  const next = steps[step];
  return next ? new Date(enqueuedAt.getTime() + next.afterSeconds * 1000) : null;
}
