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
    expect(bestTakeable(entries, { billing: 4 })?.conversationId).toBe('needs-billing');
    expect(bestTakeable(entries, { french: 3 })?.conversationId).toBe('needs-french');
    expect(bestTakeable(entries, { french: 2 })?.conversationId).toBe('anyone');
    expect(bestTakeable([entries[0] as QueueEntry], {})).toBeUndefined();
  });
});
