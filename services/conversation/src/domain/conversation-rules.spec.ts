import { ConversationStatus } from '@omni/contracts';
import { validatePriority, validateStatusChange, validateTags } from './conversation-rules';

const now = new Date('2026-11-22T10:00:00Z');

describe('validateStatusChange', () => {
  it('needs a future snooze time to snooze, and none otherwise', () => {
    const until = new Date('2026-11-23T09:00:00Z');
    expect(
      validateStatusChange({ status: ConversationStatus.CONVERSATION_STATUS_SNOOZED, snoozedUntil: until }, now),
    ).toBe(until);
    expect(validateStatusChange({ status: ConversationStatus.CONVERSATION_STATUS_RESOLVED }, now)).toBeNull();
    expect(() => validateStatusChange({ status: ConversationStatus.CONVERSATION_STATUS_SNOOZED }, now)).toThrow(
      'snoozed_until is required to snooze',
    );
    expect(() =>
      validateStatusChange({ status: ConversationStatus.CONVERSATION_STATUS_SNOOZED, snoozedUntil: new Date(0) }, now),
    ).toThrow('must be in the future');
    expect(() =>
      validateStatusChange({ status: ConversationStatus.CONVERSATION_STATUS_OPEN, snoozedUntil: until }, now),
    ).toThrow('only with status snoozed');
  });

  it('refuses an unspecified status', () => {
    expect(() => validateStatusChange({ status: ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED }, now)).toThrow(
      'status must be',
    );
  });
});

describe('validatePriority and validateTags', () => {
  it('accepts 0 to 10 only', () => {
    expect(() => validatePriority(10)).not.toThrow();
    expect(() => validatePriority(11)).toThrow('priority must be an integer from 0 to 10');
    expect(() => validatePriority(1.5)).toThrow();
  });

  it('normalizes tags and refuses empty ones', () => {
    expect(validateTags([' VIP ', 'refund'], ['Old'])).toEqual({ add: ['vip', 'refund'], remove: ['old'] });
    expect(() => validateTags(['  '], [])).toThrow('add contains an empty tag');
    expect(() => validateTags([], [])).toThrow('add or remove at least one tag');
  });
});
