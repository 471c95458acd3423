import { ConversationStatus } from '@omni/contracts';
import { type FieldViolation, InvalidArgumentError } from '@omni/errors';

export const MAX_PRIORITY = 10;
export const MAX_TAGS = 50;
export const MAX_TAG_CHARS = 64;
export const MAX_NOTE_CHARS = 20_000;
/** Snoozing further than a year ahead is a mistake more often than a plan. */
export const MAX_SNOOZE_MS = 366 * 24 * 3_600_000;

const SETTABLE_STATUSES = new Set([
  ConversationStatus.CONVERSATION_STATUS_OPEN,
  ConversationStatus.CONVERSATION_STATUS_PENDING,
  ConversationStatus.CONVERSATION_STATUS_SNOOZED,
  ConversationStatus.CONVERSATION_STATUS_RESOLVED,
]);

function refuse(details: FieldViolation[]): never {
  const first = details[0] as FieldViolation;
  throw new InvalidArgumentError(`${first.field} ${first.reason}`, { details });
}

/** The snooze time the change sets (null unless snoozing); refuses a snooze without a future time. */
export function validateStatusChange(
  input: { status: ConversationStatus; snoozedUntil?: Date | undefined },
  now: Date,
): Date | null {
  if (!SETTABLE_STATUSES.has(input.status))
    refuse([{ field: 'status', reason: 'must be open, pending, snoozed or resolved' }]);
  const until = input.snoozedUntil;
  if (input.status !== ConversationStatus.CONVERSATION_STATUS_SNOOZED) {
    if (until) refuse([{ field: 'snoozed_until', reason: 'only with status snoozed' }]);
    return null;
  }
  if (!until) refuse([{ field: 'snoozed_until', reason: 'is required to snooze' }]);
  if (until.getTime() <= now.getTime()) refuse([{ field: 'snoozed_until', reason: 'must be in the future' }]);
  if (until.getTime() - now.getTime() > MAX_SNOOZE_MS)
    refuse([{ field: 'snoozed_until', reason: 'more than a year ahead' }]);
  return until;
}

export function validatePriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
    refuse([{ field: 'priority', reason: `must be an integer from 0 to ${MAX_PRIORITY}` }]);
  }
}

/** Tags are trimmed and lower-cased so "VIP" and "vip " are one tag. */
export function validateTags(add: readonly string[], remove: readonly string[]): { add: string[]; remove: string[] } {
  const clean = (field: string, tags: readonly string[]) =>
    tags.map((raw) => {
      const tag = raw.trim().toLowerCase();
      if (!tag) refuse([{ field, reason: 'contains an empty tag' }]);
      if (tag.length > MAX_TAG_CHARS)
        refuse([{ field, reason: `contains a tag longer than ${MAX_TAG_CHARS} characters` }]);
      return tag;
    });
  if (add.length === 0 && remove.length === 0) refuse([{ field: 'add', reason: 'add or remove at least one tag' }]);
  if (add.length > MAX_TAGS) refuse([{ field: 'add', reason: `more than ${MAX_TAGS} tags` }]);
  return { add: clean('add', add), remove: clean('remove', remove) };
}

export function validateNote(input: { text: string; idempotencyKey: string }): void {
  if (!input.text.trim()) refuse([{ field: 'text', reason: 'is required' }]);
  if (input.text.length > MAX_NOTE_CHARS)
    refuse([{ field: 'text', reason: `longer than ${MAX_NOTE_CHARS} characters` }]);
  if (input.idempotencyKey.length > 200) refuse([{ field: 'idempotency_key', reason: 'longer than 200 characters' }]);
}
