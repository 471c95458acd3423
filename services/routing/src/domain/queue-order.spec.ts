import { bestTakeable, compareQueueEntries, type QueueEntry } from './queue-order';

const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));

function entry(conversationId: string, overrides: Partial<QueueEntry> = {}): QueueEntry {
  return { conversationId, priority: 0, slaDueAt: t(30), enqueuedAt: t(0), requiredSkills: {}, ...overrides };
}

describe('queue order', () => {
  it('orders by priority, then SLA due time, then age', () => {
    const entries = [
      entry('late-sla', { slaDueAt: t(40) }),
      entry('young', { enqueuedAt: t(5) }),
      entry('vip', { priority: 10, slaDueAt: t(59) }),
      entry('old'),
      entry('urgent-sla', { slaDueAt: t(10) }),
    ];
    expect([...entries].sort(compareQueueEntries).map((e) => e.conversationId)).toEqual([
      'vip',
      'urgent-sla',
      'old',
      'young',
      'late-sla',
    ]);
  });

  it('gives an agent the best entry whose skills they have', () => {
    const entries = [
      entry('needs-french', { priority: 5, requiredSkills: { french: 3 } }),
      entry('needs-billing', { priority: 1, requiredSkills: { billing: 2 } }),
      entry('anyone'),
    ];
    const taker = (skills: Record<string, number>) => ({ agentId: 'a', skills, teams: [] });
    expect(bestTakeable(entries, taker({ billing: 4 }), t(0))?.conversationId).toBe('needs-billing');
    expect(bestTakeable(entries, taker({ french: 3 }), t(0))?.conversationId).toBe('needs-french');
    expect(bestTakeable(entries, taker({ french: 2 }), t(0))?.conversationId).toBe('anyone');
    expect(bestTakeable([entries[0] as QueueEntry], taker({}), t(0))).toBeUndefined();
  });

  it('skips entries of other teams, declined ones, and ones held for another agent', () => {
    const entries = [
      entry('team', { priority: 3, teams: ['billing'] }),
      entry('declined', { priority: 2, excludedAgentIds: ['a'] }),
      entry('held', { priority: 1, lastAgentId: 'b', stickyUntil: t(10) }),
      entry('anyone'),
    ];
    const a = { agentId: 'a', skills: {}, teams: ['sales'] };
    expect(bestTakeable(entries, a, t(5))?.conversationId).toBe('anyone');
    expect(bestTakeable(entries, a, t(11))?.conversationId).toBe('held');
    expect(bestTakeable(entries, { agentId: 'b', skills: {}, teams: ['billing'] }, t(5))?.conversationId).toBe('team');
    expect(bestTakeable(entries.slice(1), { agentId: 'b', skills: {}, teams: [] }, t(5))?.conversationId).toBe(
      'declined',
    );
  });
});
