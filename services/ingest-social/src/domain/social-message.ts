import { Channel, ContentKind, type DeliveryState, IdentityKind, type ParseProblem } from '@omni/contracts';

export type SocialChannelName = 'messenger' | 'instagram' | 'whatsapp' | 'telegram';

/** Where an attachment's bytes come from: a URL as given, or a platform media id resolved by an API call first. */
export type MediaSource =
  | { kind: 'url'; url: string; type: string }
  | { kind: 'whatsapp-media'; mediaId: string; type: string; mimeType?: string; filename?: string }
  | { kind: 'telegram-file'; fileId: string; type: string; mimeType?: string; filename?: string };

/** One customer message (or placeholder) read from a webhook, before the inbox and blobs are known. */
export interface SocialMessageDraft {
  channel: SocialChannelName;
  channelMessageId: string;
  /** PSID, IGSID, wa_id (digits) or Telegram user id, as the platform gives it. */
  senderId: string;
  displayName?: string;
  text: string;
  sentAt: Date;
  replyToChannelMessageId?: string;
  contentKind: ContentKind;
  /** The platform's own type name ('text', 'image', 'sticker', 'postback', ...). */
  channelContentType: string;
  media: MediaSource[];
  metadata: Record<string, string>;
  problems: ParseProblem[];
}

/** A platform's report on one of our sent messages (WhatsApp statuses, Messenger deliveries). */
export interface PlatformStatus {
  /** The platform's id of our message: wamid, mid. */
  channelMessageId: string;
  state: DeliveryState;
  /** The platform's own status name; part of the event id. */
  status: string;
  occurredAt: Date;
  reason: string;
}

export const CHANNEL_OF: Record<SocialChannelName, Channel> = {
  messenger: Channel.CHANNEL_MESSENGER,
  instagram: Channel.CHANNEL_INSTAGRAM,
  whatsapp: Channel.CHANNEL_WHATSAPP,
  telegram: Channel.CHANNEL_TELEGRAM,
};

export function channelNameOf(channel: Channel): SocialChannelName | undefined {
  const entry = Object.entries(CHANNEL_OF).find(([, value]) => value === channel);
  return entry?.[0] as SocialChannelName | undefined;
}

const IDENTITY_OF: Record<SocialChannelName, IdentityKind> = {
  messenger: IdentityKind.IDENTITY_KIND_MESSENGER_PSID,
  instagram: IdentityKind.IDENTITY_KIND_INSTAGRAM_SCOPED_ID,
  whatsapp: IdentityKind.IDENTITY_KIND_PHONE,
  telegram: IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID,
};

/** The sender's identity as the contract names it: WhatsApp's wa_id becomes E.164. */
export function senderIdentity(channel: SocialChannelName, senderId: string): { kind: IdentityKind; value: string } {
  const value = channel === 'whatsapp' && senderId !== '' && !senderId.startsWith('+') ? `+${senderId}` : senderId;
  return { kind: IDENTITY_OF[channel], value };
}

/** A placeholder for anything the adapter does not understand: kept, typed, never dropped. */
export function placeholder(
  base: Pick<SocialMessageDraft, 'channel' | 'channelMessageId' | 'senderId' | 'sentAt'>,
  type: string,
  extra: Partial<SocialMessageDraft> = {},
): SocialMessageDraft {
  return {
    text: '',
    media: [],
    metadata: {},
    problems: [],
    ...base,
    contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
    channelContentType: type,
    ...extra,
  };
}
