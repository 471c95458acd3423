import { ContentKind, DeliveryState } from '@omni/contracts';
import { asArray, asId, asNumber, asRecord, asString, dateFrom, type JsonRecord } from './json-access';
import { type MediaSource, type PlatformStatus, placeholder, type SocialMessageDraft } from './social-message';

export interface MetaEntry {
  /** Page id (Messenger) or Instagram account id: names the inbox. */
  accountId: string;
  drafts: SocialMessageDraft[];
  /** Our own sends confirmed back to us; never ingested. */
  echoes: number;
  /** `delivery` events: our messages that reached the customer. */
  statuses: PlatformStatus[];
}

export type MetaWebhook =
  | { kind: 'messaging'; channel: 'messenger' | 'instagram'; entries: MetaEntry[] }
  | { kind: 'unknown-object'; object: string };

const OBJECT_CHANNEL: Record<string, 'messenger' | 'instagram'> = { page: 'messenger', instagram: 'instagram' };
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'file']);
const ENVELOPE_KEYS = new Set(['sender', 'recipient', 'timestamp']);

/** Reads a Messenger or Instagram webhook body (already verified) into one draft per messaging event. */
export function parseMetaWebhook(body: unknown, receivedAt: Date): MetaWebhook {
  const root = asRecord(body) ?? {};
  const object = asString(root.object) ?? '';
  const channel = OBJECT_CHANNEL[object];
  if (!channel) return { kind: 'unknown-object', object };
  const entries: MetaEntry[] = [];
  for (const rawEntry of asArray(root.entry)) {
    const entry = asRecord(rawEntry) ?? {};
    const accountId = asId(entry.id) ?? '';
    const result: MetaEntry = { accountId, drafts: [], echoes: 0, statuses: [] };
    for (const rawEvent of asArray(entry.messaging)) {
      const event = asRecord(rawEvent) ?? {};
      if (asRecord(event.message)?.is_echo === true) {
        result.echoes += 1;
        continue;
      }
      const delivered = deliveriesOf(event, receivedAt);
      if (delivered.length > 0) {
        result.statuses.push(...delivered);
        continue;
      }
      result.drafts.push(draftOf(channel, event, receivedAt));
    }
    // Field changes (comments, mentions) carry no messaging event: kept as placeholders.
    for (const [index, rawChange] of asArray(entry.changes).entries()) {
      const change = asRecord(rawChange) ?? {};
      const value = asRecord(change.value) ?? {};
      const field = asString(change.field) ?? 'change';
      const sentAt = dateFrom(asNumber(entry.time), 'ms', receivedAt);
      const id = asId(value.id) ?? `${asNumber(entry.time) ?? 0}:${index}`;
      const senderId = asId(asRecord(value.from)?.id) ?? '';
      result.drafts.push(
        placeholder({ channel, channelMessageId: `change:${accountId}:${field}:${id}`, senderId, sentAt }, field, {
          text: asString(value.text) ?? '',
        }),
      );
    }
    entries.push(result);
  }
  return { kind: 'messaging', channel, entries };
}

/** A `delivery` event names the mids it confirms; each becomes a DELIVERED status. */
function deliveriesOf(event: JsonRecord, receivedAt: Date): PlatformStatus[] {
  const delivery = asRecord(event.delivery);
  if (!delivery) return [];
  const occurredAt = dateFrom(asNumber(delivery.watermark) ?? asNumber(event.timestamp), 'ms', receivedAt);
  return asArray(delivery.mids)
    .map((mid) => asString(mid))
    .filter((mid): mid is string => mid !== undefined && mid !== '')
    .map((mid) => ({
      channelMessageId: mid,
      state: DeliveryState.DELIVERY_STATE_DELIVERED,
      status: 'delivered',
      occurredAt,
      reason: '',
    }));
}

function draftOf(channel: 'messenger' | 'instagram', event: JsonRecord, receivedAt: Date): SocialMessageDraft {
  const senderId = asId(asRecord(event.sender)?.id) ?? '';
  const timestamp = asNumber(event.timestamp);
  const sentAt = dateFrom(timestamp, 'ms', receivedAt);
  const message = asRecord(event.message);
  if (!message) {
    const type = Object.keys(event).find((key) => !ENVELOPE_KEYS.has(key)) ?? 'unknown';
    const payload = asRecord(event[type]) ?? {};
    const mid = asString(payload.mid);
    const recipientId = asId(asRecord(event.recipient)?.id) ?? '';
    // Events without their own mid get one from what makes them unique, so a redelivery maps to the same id.
    const channelMessageId =
      mid && type === 'postback' ? mid : `${type}:${mid ?? recipientId}:${senderId}:${timestamp}`;
    const base = { channel, channelMessageId, senderId, sentAt };
    if (type === 'postback') {
      return placeholder(base, type, {
        contentKind: ContentKind.CONTENT_KIND_INTERACTIVE,
        text: asString(payload.title) ?? '',
        metadata: { postback_payload: asString(payload.payload) ?? '' },
      });
    }
    return placeholder(base, type);
  }
  const mid = asString(message.mid) ?? `message:${senderId}:${timestamp}`;
  const text = asString(message.text) ?? '';
  const metadata: Record<string, string> = {};
  const quickReply = asString(asRecord(message.quick_reply)?.payload);
  if (quickReply !== undefined) metadata.quick_reply_payload = quickReply;
  const attachments = asArray(message.attachments).map((a) => asRecord(a) ?? {});
  const media: MediaSource[] = [];
  for (const attachment of attachments) {
    const type = asString(attachment.type) ?? 'unknown';
    const url = asString(asRecord(attachment.payload)?.url);
    if (url && MEDIA_TYPES.has(type)) media.push({ kind: 'url', url, type });
  }
  const firstType = asString(attachments[0]?.type);
  let contentKind = ContentKind.CONTENT_KIND_TEXT;
  let channelContentType = 'text';
  if (firstType) {
    channelContentType = firstType;
    if (MEDIA_TYPES.has(firstType)) contentKind = ContentKind.CONTENT_KIND_MEDIA;
    else if (firstType === 'location') contentKind = ContentKind.CONTENT_KIND_LOCATION;
    else contentKind = ContentKind.CONTENT_KIND_UNSUPPORTED;
  } else if (quickReply !== undefined) {
    contentKind = ContentKind.CONTENT_KIND_INTERACTIVE;
    channelContentType = 'quick_reply';
  } else if (text === '') {
    contentKind = ContentKind.CONTENT_KIND_UNSUPPORTED;
    channelContentType = message.is_deleted === true ? 'message_deleted' : 'message';
  }
  return {
    channel,
    channelMessageId: mid,
    senderId,
    text,
    sentAt,
    replyToChannelMessageId: asString(asRecord(message.reply_to)?.mid),
    contentKind,
    channelContentType,
    media,
    metadata,
    problems: [],
  };
}
