import type { ChannelGroup } from './channel-group';

/** First-response targets per channel group, in seconds. */
export type SlaTargets = Record<ChannelGroup, number>;

/** Defaults from the field: chat customers expect an answer in minutes, email in a day. */
export const DEFAULT_SLA_TARGETS: SlaTargets = { messaging: 180, email: 86_400 };

/** When the first response is due for a conversation that started waiting at `since`. */
export function firstResponseDue(group: ChannelGroup, since: Date, targets: SlaTargets = DEFAULT_SLA_TARGETS): Date {
  return new Date(since.getTime() + targets[group] * 1000);
}
