import type { AgentSnapshot } from './agent';
import { evaluateCandidates } from './candidates';

const now = new Date('2026-01-01T12:00:00Z');

function agent(agentId: string, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    agentId,
    skills: {},
    teams: [],
    capacity: { email: 8, messaging: 3 },
    load: { email: 0, messaging: 0 },
    presence: 'online',
    heartbeatAt: now,
    lastAssignedAt: null,
    ...overrides,
  };
}

const context = { now, heartbeatTtlMs: 60_000 };
const messaging = (requiredSkills = {}) => ({ group: 'messaging' as const, requiredSkills });

describe('evaluateCandidates', () => {
  it('names every reason an agent is excluded', () => {
    const result = evaluateCandidates(
      [
        agent('away', { presence: 'away' }),
        agent('stale', { heartbeatAt: new Date(now.getTime() - 61_000) }),
        agent('no-skill'),
        agent('low', { skills: { billing: 2 } }),
        agent('full', { skills: { billing: 9 }, load: { email: 0, messaging: 3 } }),
        agent('ok', { skills: { billing: 5 } }),
      ],
      messaging({ billing: 5 }),
      context,
    );
    expect(result.order).toEqual(['ok']);
    const reasons = Object.fromEntries(result.candidates.map((c) => [c.agentId, c.exclusions.map((e) => e.reason)]));
    expect(reasons).toEqual({
      ok: [],
      away: ['presence', 'skill'],
      stale: ['heartbeat', 'skill'],
      'no-skill': ['skill'],
      low: ['level'],
      full: ['capacity'],
    });
    expect(result.tieBreak).toBe('only eligible agent');
  });

  it('counts capacity in the conversation channel group only', () => {
    const busyOnEmail = agent('a', { load: { email: 8, messaging: 0 } });
    expect(evaluateCandidates([busyOnEmail], messaging(), context).order).toEqual(['a']);
    expect(evaluateCandidates([busyOnEmail], { group: 'email', requiredSkills: {} }, context).order).toEqual([]);
  });

  it('prefers the least loaded by ratio, then the longest idle, then the id', () => {
    const result = evaluateCandidates(
      [
        agent('half', { load: { email: 0, messaging: 1 }, capacity: { email: 8, messaging: 2 } }),
        agent('third-recent', { load: { email: 0, messaging: 1 }, lastAssignedAt: new Date(now.getTime() - 1_000) }),
        agent('third-idle', { load: { email: 0, messaging: 1 }, lastAssignedAt: new Date(now.getTime() - 60_000) }),
        agent('b-fresh'),
        agent('a-fresh'),
      ],
      messaging(),
      context,
    );
    expect(result.order).toEqual(['a-fresh', 'b-fresh', 'third-idle', 'third-recent', 'half']);
    expect(result.tieBreak).toBe('agent id at equal load and idle time');
    expect(result.candidates.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('puts the sticky agent first while they qualify, and ignores them when they do not', () => {
    const agents = [agent('a'), agent('b', { load: { email: 0, messaging: 2 } })];
    const sticky = evaluateCandidates(agents, messaging(), { ...context, stickyAgentId: 'b' });
    expect(sticky.order).toEqual(['b', 'a']);
    expect(sticky.tieBreak).toMatch(/sticky/);
    const full = [agent('a'), agent('b', { load: { email: 0, messaging: 3 } })];
    expect(evaluateCandidates(full, messaging(), { ...context, stickyAgentId: 'b' }).order).toEqual(['a']);
  });

  it('says so when nobody qualifies', () => {
    const result = evaluateCandidates([agent('x', { presence: 'offline' })], messaging(), context);
    expect(result.order).toEqual([]);
    expect(result.tieBreak).toBe('no eligible agent');
  });

  it('keeps agents outside the teams and those who declined out', () => {
    const result = evaluateCandidates(
      [
        agent('billing', { teams: ['billing'] }),
        agent('sales', { teams: ['sales'] }),
        agent('declined', { teams: ['billing'] }),
      ],
      { ...messaging(), teams: ['billing'], excludedAgentIds: ['declined'] },
      context,
    );
    expect(result.order).toEqual(['billing']);
    const reasons = Object.fromEntries(result.candidates.map((c) => [c.agentId, c.exclusions.map((e) => e.reason)]));
    expect(reasons).toEqual({ billing: [], sales: ['team'], declined: ['declined'] });
  });

  it('holds the conversation for a full sticky agent until the hold runs out', () => {
    const agents = [agent('free'), agent('sticky', { load: { email: 0, messaging: 3 } })];
    const until = new Date(now.getTime() + 30_000);
    const held = evaluateCandidates(agents, messaging(), {
      ...context,
      stickyAgentId: 'sticky',
      stickyHoldUntil: until,
    });
    expect(held.order).toEqual([]);
    expect(held.tieBreak).toMatch(/held for sticky/);
    expect(held.candidates.find((c) => c.agentId === 'free')?.exclusions.map((e) => e.reason)).toEqual(['sticky_hold']);
    const expired = { ...context, stickyAgentId: 'sticky', stickyHoldUntil: new Date(now.getTime() - 1) };
    expect(evaluateCandidates(agents, messaging(), expired).order).toEqual(['free']);
    const away = [agent('free'), agent('sticky', { presence: 'away', load: { email: 0, messaging: 3 } })];
    expect(
      evaluateCandidates(away, messaging(), { ...context, stickyAgentId: 'sticky', stickyHoldUntil: until }).order,
    ).toEqual(['free']);
  });
});
