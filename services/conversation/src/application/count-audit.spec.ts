import { createLogger } from '@omni/logging';
import { type ConversationCounts, CountAudit, type CountAuditSettings } from './count-audit';

const logger = createLogger({ service: 'test', level: 'silent' });

function fakeCounts(agreeing: (conversationId: string, check: number) => boolean) {
  const checks = new Map<string, number>();
  const recounts: string[] = [];
  const counts: ConversationCounts = {
    countsAgree: async (_tenantId, id) => {
      const n = (checks.get(id) ?? 0) + 1;
      checks.set(id, n);
      return agreeing(id, n);
    },
    recount: async (_tenantId, id) => {
      recounts.push(id);
    },
  };
  return { counts, checks, recounts };
}

const SETTINGS: CountAuditSettings = { delayMs: 1_000, maxWaitMs: 10_000, maxPending: 100, concurrency: 1 };

function auditOf(counts: ConversationCounts, settings: Partial<CountAuditSettings> = {}): CountAudit {
  return new CountAudit(counts, { ...SETTINGS, ...settings }, logger);
}

describe('CountAudit', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('checks a conversation once it had no count for the delay, once however many came', async () => {
    const { counts, checks, recounts } = fakeCounts(() => true);
    const audit = auditOf(counts, { concurrency: 2 });
    audit.counted('t', 'c1');
    audit.counted('t', 'c2');
    for (let i = 0; i < 4; i++) {
      await jest.advanceTimersByTimeAsync(500);
      audit.counted('t', 'c1');
    }
    // c2 went quiet at 0 ms; c1 was last counted at 2,000 ms.
    expect(Object.fromEntries(checks)).toEqual({ c2: 1 });
    await jest.advanceTimersByTimeAsync(999);
    expect(checks.has('c1')).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(Object.fromEntries(checks)).toEqual({ c1: 1, c2: 1 });
    expect(recounts).toEqual([]);
  });

  it('checks a conversation counted without pause after the longest wait', async () => {
    const { counts, checks } = fakeCounts(() => true);
    const audit = auditOf(counts, { maxWaitMs: 5_000 });
    audit.counted('t', 'busy');
    for (let t = 0; t < 4_900; t += 700) {
      await jest.advanceTimersByTimeAsync(700);
      audit.counted('t', 'busy');
    }
    expect(checks.size).toBe(0);
    await jest.advanceTimersByTimeAsync(100);
    expect(checks.get('busy')).toBe(1);
  });

  it('recounts only when a second check, a delay later, still disagrees', async () => {
    // c1: a message not yet counted at the first check, counted by the second; c2: a lost count.
    const { counts, recounts } = fakeCounts((id, check) => id === 'c1' && check > 1);
    const audit = auditOf(counts, { delayMs: 500 });
    audit.counted('t', 'c1');
    audit.counted('t', 'c2');
    await jest.advanceTimersByTimeAsync(500);
    expect(recounts).toEqual([]);
    await jest.advanceTimersByTimeAsync(500);
    expect(recounts).toEqual(['c2']);
    expect(audit.repaired).toBe(1);
  });

  it('runs the waiting checks at stop, and checks nothing after', async () => {
    const { counts, checks } = fakeCounts(() => true);
    const audit = auditOf(counts, { delayMs: 60_000, maxWaitMs: 60_000 });
    audit.counted('t', 'c1');
    audit.counted('t', 'c2');
    await audit.stop();
    expect(Object.fromEntries(checks)).toEqual({ c1: 1, c2: 1 });
    audit.counted('t', 'c3');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(checks.has('c3')).toBe(false);
  });

  it('does nothing when turned off, and bounds the conversations waiting', async () => {
    const off = fakeCounts(() => true);
    const disabled = auditOf(off.counts, { delayMs: 0 });
    disabled.counted('t', 'c1');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(off.checks.size).toBe(0);

    const bounded = fakeCounts(() => true);
    const audit = auditOf(bounded.counts, { delayMs: 100, maxPending: 2 });
    for (const id of ['c1', 'c2', 'c3']) audit.counted('t', id);
    await jest.advanceTimersByTimeAsync(100);
    expect([...bounded.checks.keys()]).toEqual(['c1', 'c2']);
  });

  it('checks again later when a check fails', async () => {
    let failing = true;
    const checks: number[] = [];
    const audit = auditOf(
      {
        countsAgree: async () => {
          checks.push(Date.now());
          if (failing) throw new Error('store unavailable');
          return true;
        },
        recount: async () => undefined,
      },
      { delayMs: 200 },
    );
    audit.counted('t', 'c1');
    await jest.advanceTimersByTimeAsync(200);
    failing = false;
    await jest.advanceTimersByTimeAsync(200);
    expect(checks.length).toBe(2);
  });
});
