import { effectiveRequirement, nextEscalationAt } from './escalation';

const base = { requiredSkills: { billing: 5 }, optionalSkills: { french: 4, billing: 7 }, team: 'billing' };
const steps = [
  { afterSeconds: 60, dropOptionalSkills: true, lowerLevelsBy: 0, widenToTeam: '' },
  { afterSeconds: 180, dropOptionalSkills: false, lowerLevelsBy: 2, widenToTeam: '' },
  { afterSeconds: 300, dropOptionalSkills: false, lowerLevelsBy: 0, widenToTeam: 'overflow' },
];

describe('escalation', () => {
  it('requires optional skills (at the higher level) before any step', () => {
    expect(effectiveRequirement(base, steps, 0)).toEqual({
      requiredSkills: { billing: 7, french: 4 },
      teams: ['billing'],
    });
  });

  it('drops optional skills, then lowers levels (never below 1), then widens to the overflow team', () => {
    expect(effectiveRequirement(base, steps, 1)).toEqual({ requiredSkills: { billing: 5 }, teams: ['billing'] });
    expect(effectiveRequirement(base, steps, 2)).toEqual({ requiredSkills: { billing: 3 }, teams: ['billing'] });
    expect(effectiveRequirement(base, steps, 3)).toEqual({
      requiredSkills: { billing: 3 },
      teams: ['billing', 'overflow'],
    });
    expect(
      effectiveRequirement({ ...base, requiredSkills: { billing: 2 } }, [{ ...steps[1], lowerLevelsBy: 5 }], 1),
    ).toEqual({ requiredSkills: { billing: 2, french: 1 }, teams: ['billing'] });
  });

  it('leaves a conversation for any team as it is', () => {
    expect(effectiveRequirement({ ...base, team: '' }, steps, 3).teams).toEqual([]);
  });

  it('counts each step from the original enqueue time', () => {
    const since = new Date('2026-01-01T12:00:00Z');
    expect(nextEscalationAt(steps, since, 0)).toEqual(new Date('2026-01-01T12:01:00Z'));
    expect(nextEscalationAt(steps, since, 2)).toEqual(new Date('2026-01-01T12:05:00Z'));
    expect(nextEscalationAt(steps, since, 3)).toBeNull();
  });
});
