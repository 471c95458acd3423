import { ContentKind, DeliveryState } from '@omni/contracts';
import { asArray, asId, asNumber, asRecord, asString, dateFrom, type JsonRecord } from './json-access';
import { type MediaSource, type PlatformStatus, placeholder, type SocialMessageDraft } from './social-message';

export interface WhatsAppChange {
  /** metadata.phone_number_id: names the inbox; empty for account-level changes (templates, quality). */
  phoneNumberId: string;
  field: string;
  drafts: SocialMessageDraft[];
  statuses: PlatformStatus[];
}

export type WhatsAppWebhook =
  | { kind: 'changes'; changes: WhatsAppChange[] }
  | { kind: 'unknown-object'; object: string };

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const STATES: Record<string, DeliveryState> = {
  sent: DeliveryState.DELIVERY_STATE_SENT,
  delivered: DeliveryState.DELIVERY_STATE_DELIVERED,
  read: DeliveryState.DELIVERY_STATE_READ,
  failed: DeliveryState.DELIVERY_STATE_FAILED,
};

/** Reads a WhatsApp Cloud API webhook body (already verified): messages and delivery statuses per change. */
export function parseWhatsAppWebhook(body: unknown, receivedAt: Date): WhatsAppWebhook {
  const root = asRecord(body) ?? {};
  const object = asString(root.object) ?? '';
  if (object !== 'whatsapp_business_account') return { kind: 'unknown-object', object };
  const changes: WhatsAppChange[] = [];
  for (const rawEntry of asArray(root.entry)) {
    for (const rawChange of asArray(asRecord(rawEntry)?.changes)) {
      const change = asRecord(rawChange) ?? {};
      const value = asRecord(change.value) ?? {};
      const names = new Map<string, string>();
      for (const contact of asArray(value.contacts).map((c) => asRecord(c) ?? {})) {
        const waId = asId(contact.wa_id);
        const name = asString(asRecord(contact.profile)?.name);
        if (waId && name) names.set(waId, name);
      }
      changes.push({
        phoneNumberId: asId(asRecord(value.metadata)?.phone_number_id) ?? '',
        field: asString(change.field) ?? '',
        drafts: asArray(value.messages).map((m) => draftOf(asRecord(m) ?? {}, names, receivedAt)),
        statuses: asArray(value.statuses).map((s) => statusOf(asRecord(s) ?? {}, receivedAt)),
      });
    }
  }
  return { kind: 'changes', changes };
}

function statusOf(status: JsonRecord, receivedAt: Date): PlatformStatus {
  const name = asString(status.status) ?? 'unknown';
  const error = asRecord(asArray(status.errors)[0]);
  const reason = error ? (asString(error.title) ?? asString(error.message) ?? `error ${asNumber(error.code)}`) : '';
  return {
    channelMessageId: asString(status.id) ?? '',
    state: STATES[name] ?? DeliveryState.DELIVERY_STATE_UNSPECIFIED,
    status: name,
    occurredAt: dateFrom(asNumber(status.timestamp), 's', receivedAt),
    reason,
  };
}

function draftOf(message: JsonRecord, names: Map<string, string>, receivedAt: Date): SocialMessageDraft {
  const senderId = asId(message.from) ?? '';
  const type = asString(message.type) ?? 'unknown';
  const base = {
    channel: 'whatsapp' as const,
    channelMessageId: asString(message.id) ?? `${senderId}:${asString(message.timestamp)}`,
    senderId,
    sentAt: dateFrom(asNumber(message.timestamp), 's', receivedAt),
  };
  const content = asRecord(message[type]) ?? {};
  const common: Partial<SocialMessageDraft> = {
    displayName: names.get(senderId),
    replyToChannelMessageId: asString(asRecord(message.context)?.id),
  };
  if (type === 'text') {
    return placeholder(base, type, {
      ...common,
      contentKind: ContentKind.CONTENT_KIND_TEXT,
      text: asString(content.body) ?? '',
    });
  }
  if (MEDIA_TYPES.has(type)) {
    const mediaId = asId(content.id);
    const media: MediaSource[] = mediaId
      ? [
          {
            kind: 'whatsapp-media',
            mediaId,
            type,
            mimeType: asString(content.mime_type),
            filename: asString(content.filename),
          },
        ]
      : [];
    const text = asString(content.caption) ?? '';
    return placeholder(base, type, { ...common, contentKind: ContentKind.CONTENT_KIND_MEDIA, text, media });
  }
  if (type === 'location') {
    const metadata = { latitude: String(content.latitude ?? ''), longitude: String(content.longitude ?? '') };
    const text = [asString(content.name), asString(content.address)].filter(Boolean).join(', ');
    return placeholder(base, type, { ...common, contentKind: ContentKind.CONTENT_KIND_LOCATION, text, metadata });
  }
  if (type === 'contacts') {
    const text = asArray(message.contacts)
      .map((c) => asString(asRecord(asRecord(c)?.name)?.formatted_name))
      .filter(Boolean)
      .join(', ');
    return placeholder(base, type, { ...common, contentKind: ContentKind.CONTENT_KIND_CONTACT, text });
  }
  if (type === 'interactive') {
    const reply = asRecord(content.button_reply) ?? asRecord(content.list_reply) ?? {};
    const metadata = { interactive_reply_id: asString(reply.id) ?? '' };
    const text = asString(reply.title) ?? '';
    return placeholder(base, type, { ...common, contentKind: ContentKind.CONTENT_KIND_INTERACTIVE, text, metadata });
  }
  if (type === 'button') {
    const metadata = { button_payload: asString(content.payload) ?? '' };
    const text = asString(content.text) ?? '';
    return placeholder(base, type, { ...common, contentKind: ContentKind.CONTENT_KIND_INTERACTIVE, text, metadata });
  }
  return placeholder(base, type, common);
}
