import { Channel } from '@omni/contracts';

/** Capacity is counted per channel group: an email agent juggles more threads than a chat agent. */
export const CHANNEL_GROUPS = ['email', 'messaging'] as const;
export type ChannelGroup = (typeof CHANNEL_GROUPS)[number];

export type GroupCounts = Record<ChannelGroup, number>;

export function isChannelGroup(value: string): value is ChannelGroup {
  return (CHANNEL_GROUPS as readonly string[]).includes(value);
}

/** The group a conversation's first channel counts against; undefined for a channel routing does not know. */
export function channelGroupOf(channel: Channel): ChannelGroup | undefined {
  switch (channel) {
    case Channel.CHANNEL_EMAIL:
      return 'email';
    case Channel.CHANNEL_MESSENGER:
    case Channel.CHANNEL_INSTAGRAM:
    case Channel.CHANNEL_WHATSAPP:
    case Channel.CHANNEL_TELEGRAM:
      return 'messaging';
    default:
      return undefined;
  }
}

export function zeroCounts(): GroupCounts {
  return { email: 0, messaging: 0 };
}
