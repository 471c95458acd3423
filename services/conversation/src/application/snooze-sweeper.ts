import type { ConversationChangesRepository } from '../adapters/mongo/conversation-changes.repository';
import type { ConversationCommands } from './conversation-commands';

/**
 * Opens snoozed conversations whose time has come (run by a PeriodicSweep).
 * Every replica may sweep: the change is conditional on the version read, so
 * a conversation wakes once. Returns how many conversations it looked at.
 */
export async function wakeDueSnoozes(
  changes: ConversationChangesRepository,
  commands: Pick<ConversationCommands, 'wake'>,
  now = new Date(),
): Promise<number> {
  const due = await changes.snoozeDue(now, 100);
  for (const doc of due) await commands.wake(doc.tenantId, doc._id, now);
  return due.length;
}
