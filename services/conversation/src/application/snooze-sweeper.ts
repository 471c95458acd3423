import type { Logger } from '@omni/logging';
import type { ConversationChangesRepository } from '../adapters/mongo/conversation-changes.repository';
import type { ConversationCommands } from './conversation-commands';

export interface SnoozeSweeperDependencies {
  changes: ConversationChangesRepository;
  commands: ConversationCommands;
  logger: Logger;
  intervalMs: number;
}

/**
 * Opens snoozed conversations whose time has come. Every replica may sweep:
 * the change is conditional on the version read, so a conversation wakes once.
 */
export class SnoozeSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly deps: SnoozeSweeperDependencies) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => {
        this.running = undefined;
      });
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Wakes what is due now; returns how many conversations it looked at. */
  async sweep(now = new Date()): Promise<number> {
    try {
      const due = await this.deps.changes.snoozeDue(now, 100);
      for (const doc of due) await this.deps.commands.wake(doc.tenantId, doc._id, now);
      return due.length;
    } catch (error: unknown) {
      this.deps.logger.warn({ err: error }, 'snooze sweep failed; the next one retries');
      return 0;
    }
  }
}
