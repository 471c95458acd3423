import { agentProfileViolations } from './agent';

const profile = { agentId: 'ann', name: 'Ann', skills: { billing: 7 }, teams: ['billing'], apiKeyId: '' };

describe('agent profile', () => {
  it('accepts a plain profile', () => {
    expect(agentProfileViolations(profile)).toEqual([]);
  });

  it('names every bad field: id, levels, and sizes that would bloat the document', () => {
    expect(
      agentProfileViolations({
        agentId: 'not an id',
        name: 'x'.repeat(201),
        skills: { billing: 0, french: 11, german: 2.5, spanish: 10 },
        teams: [...Array.from({ length: 50 }, (_, i) => `t${i}`), ''],
        apiKeyId: 'k'.repeat(129),
      }),
    ).toEqual([
      { field: 'agent.agent_id', reason: 'required, at most 128 of A-Z a-z 0-9 _ . @ : -' },
      { field: 'agent.name', reason: 'at most 200 characters' },
      { field: 'agent.skills.billing', reason: 'level must be 1-10' },
      { field: 'agent.skills.french', reason: 'level must be 1-10' },
      { field: 'agent.skills.german', reason: 'level must be 1-10' },
      { field: 'agent.teams', reason: 'at most 50 teams' },
      { field: 'agent.teams[50]', reason: '1-64 characters' },
      { field: 'agent.api_key_id', reason: 'at most 128 characters' },
    ]);
  });
});
