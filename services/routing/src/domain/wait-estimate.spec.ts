import type { Taker } from './queue-order';
import type { Release, WaitingEntry } from './wait-estimate';
import { estimateWaits } from './wait-estimate';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

function entry(conversationId: string, overrides: Partial<WaitingEntry> = {}): WaitingEntry {
  return {
    conversationId,
    group: 'messaging',
    priority: 0,
    slaDueAt: ago(-600),
    enqueuedAt: ago(60),
    requiredSkills: {},
    ...overrides,
  };
}
const release = (agentId: string, secondsAgo: number, group: Release['group'] = 'messaging'): Release => ({
  agentId,
  group,
  releasedAt: ago(secondsAgo),
});
const agents: Taker[] = [
  { agentId: 'a', skills: { billing: 5 }, teams: [] },
  { agentId: 'b', skills: {}, teams: [] },
];

describe('estimated wait', () => {
  it('is unknown without freed capacity in the window', () => {
    const waits = estimateWaits([entry('c1')], [release('a', 20 * 60), release('a', 10, 'email')], agents, now);
    expect(waits.get('c1')).toBeUndefined();
  });

  it('grows with the position in the queue: position / rate of freed capacity', () => {
    // 9 releases in 15 minutes: one per 100 s.
    const releases = Array.from({ length: 9 }, (_, i) => release(i % 2 ? 'a' : 'b', 30 + i * 60));
    const waits = estimateWaits(
      [entry('third', { enqueuedAt: ago(10) }), entry('first', { priority: 5 }), entry('second')],
      releases,
      agents,
      now,
    );
    expect([waits.get('first'), waits.get('second'), waits.get('third')]).toEqual([100, 200, 300]);
  });

  it('counts only capacity freed by agents who could take the conversation', () => {
    const releases = [release('a', 60), release('b', 60), release('b', 120)];
    const waits = estimateWaits(
      [entry('anyone', { priority: 1 }), entry('billing', { requiredSkills: { billing: 3 } })],
      releases,
      agents,
      now,
    );
    // anyone: 3 releases in 900 s; billing: 1 (only a), and "anyone" ahead is takeable by a too.
    expect(waits.get('anyone')).toBe(300);
    expect(waits.get('billing')).toBe(1800);
  });
});
