import type { Logger } from '@omni/logging';

/** What the audit needs of the store: a cheap check, and the repair the merge also uses. */
export interface ConversationCounts {
  /** Whether the conversation's stored counters agree with the messages it holds. */
  countsAgree(tenantId: string, conversationId: string): Promise<boolean>;
  /** Sets the counters from the messages, repeating until the document shows them. */
  recount(tenantId: string, conversationId: string): Promise<void>;
}

export interface CountAuditSettings {
  /** How long after its last count a conversation is checked; 0 turns the audit off. */
  delayMs: number;
  /** A conversation counted without pause is checked this long after its first count anyway. */
  maxWaitMs: number;
  /** Conversations waiting for their check at once; a count beyond this is not audited (and logged). */
  maxPending: number;
  /** Checks run at once. */
  concurrency: number;
}

interface Pending {
  tenantId: string;
  conversationId: string;
  /** A first check found the counters off: the second one repairs them if they still are. */
  suspect: boolean;
  firstAt: number;
  lastAt: number;
  timer?: NodeJS.Timeout;
}

/**
 * Repairs the counters FerretDB v1 can lose. It applies an update as a read then a
 * write of the whole document, without isolation, so when two replicas update one
 * conversation at once (a count on each, or a count and a status change), one
 * update can overwrite the other and `messageCount` drifts from the messages held.
 * The message list itself stays exact: each message is its own document.
 *
 * Every count schedules a check of its conversation once it has had no count for
 * `delayMs` (or `maxWaitMs` after the first, for one counted without pause): one
 * check however many counts come meanwhile, and none that would race a busy
 * thread's own counts. By then the updates that raced them have long been written,
 * so a check that finds the counters off recounts from the messages. On MongoDB
 * the updates are atomic: the service turns the audit off there.
 */
export class CountAudit {
  private readonly pending = new Map<string, Pending>();
  private readonly ready: Pending[] = [];
  private running = 0;
  private readonly idle = new Set<() => void>();
  private stopped = false;
  /** Checks that found the counters off and recounted, since start. */
  repaired = 0;

  constructor(
    private readonly counts: ConversationCounts,
    private readonly settings: CountAuditSettings,
    private readonly logger: Logger,
  ) {}

  /** Called after a message was counted in the conversation. */
  counted(tenantId: string, conversationId: string): void {
    this.schedule(tenantId, conversationId, false);
  }

  private schedule(tenantId: string, conversationId: string, suspect: boolean): void {
    if (this.settings.delayMs <= 0 || this.stopped) return;
    const key = `${tenantId}\u0000${conversationId}`;
    const now = Date.now();
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.suspect ||= suspect;
      waiting.lastAt = now;
      return;
    }
    if (this.pending.size >= this.settings.maxPending) {
      this.logger.warn({ tenantId, conversationId }, 'count audit queue full: this count is not checked');
      return;
    }
    const entry: Pending = { tenantId, conversationId, suspect, firstAt: now, lastAt: now };
    this.arm(key, entry, this.settings.delayMs);
    this.pending.set(key, entry);
  }

  private arm(key: string, entry: Pending, ms: number): void {
    entry.timer = setTimeout(() => {
      const now = Date.now();
      const quietAt = entry.lastAt + this.settings.delayMs;
      if (quietAt > now && now < entry.firstAt + this.settings.maxWaitMs) {
        this.arm(key, entry, Math.min(quietAt, entry.firstAt + this.settings.maxWaitMs) - now);
      } else {
        this.due(key, entry);
      }
    }, ms);
    entry.timer.unref();
  }

  /** Runs every waiting check now and resolves when all are done; later counts are not audited. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, entry] of this.pending) {
      clearTimeout(entry.timer);
      this.due(key, entry);
    }
    if (this.running === 0 && this.ready.length === 0) return;
    await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  private due(key: string, entry: Pending): void {
    // Removed before the check runs: a count during the check schedules another.
    this.pending.delete(key);
    this.ready.push(entry);
    this.drain();
  }

  private drain(): void {
    while (this.running < this.settings.concurrency && this.ready.length > 0) {
      const entry = this.ready.shift() as Pending;
      this.running++;
      void this.check(entry).finally(() => {
        this.running--;
        this.drain();
        if (this.running === 0 && this.ready.length === 0) {
          for (const resolve of this.idle) resolve();
          this.idle.clear();
        }
      });
    }
  }

  private async check({ tenantId, conversationId, suspect }: Pending): Promise<void> {
    try {
      if (await this.counts.countsAgree(tenantId, conversationId)) return;
      // A message stored but not yet counted looks the same as a lost count: it gets one more delay
      // to be counted the usual way (the recount would skip the reply KPIs a count records).
      if (!suspect && !this.stopped) {
        this.schedule(tenantId, conversationId, true);
        return;
      }
      await this.counts.recount(tenantId, conversationId);
      this.repaired++;
      this.logger.info({ tenantId, conversationId }, 'conversation counters repaired from its messages');
    } catch (error: unknown) {
      this.logger.warn({ err: error, tenantId, conversationId }, 'count audit failed; it is checked again later');
      this.schedule(tenantId, conversationId, suspect);
    }
  }
}
