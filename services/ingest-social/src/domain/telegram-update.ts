import { ContentKind } from '@omni/contracts';
import { asArray, asId, asNumber, asRecord, asString, dateFrom, type JsonRecord } from './json-access';
import { type MediaSource, placeholder, type SocialMessageDraft } from './social-message';

const FILE_TYPES = ['document', 'video', 'audio', 'voice', 'video_note', 'animation', 'sticker'] as const;
const MESSAGE_META_KEYS = new Set([
  'message_id',
  'message_thread_id',
  'from',
  'sender_chat',
  'date',
  'chat',
  'reply_to_message',
  'entities',
  'caption_entities',
  'caption',
  'edit_date',
  'forward_origin',
  'is_topic_message',
  'link_preview_options',
  'reply_markup',
]);

/** Reads one Telegram Update (already authenticated) into a draft; non-message updates become placeholders. */
export function parseTelegramUpdate(update: unknown, botId: string, receivedAt: Date): SocialMessageDraft {
  const root = asRecord(update) ?? {};
  const updateId = asNumber(root.update_id) ?? 0;
  const message = asRecord(root.message) ?? asRecord(root.business_message);
  if (message) return messageDraft(message, receivedAt);
  const kind = Object.keys(root).find((key) => key !== 'update_id') ?? 'unknown';
  const payload = asRecord(root[kind]) ?? {};
  const from = asRecord(payload.from) ?? asRecord(payload.user) ?? {};
  const chat = asRecord(payload.chat) ?? asRecord(asRecord(payload.message)?.chat);
  const base = {
    channel: 'telegram' as const,
    // Update ids are unique per bot only: the bot id keeps two bots of one tenant apart.
    channelMessageId: `update:${botId}:${updateId}`,
    senderId: asId(from.id) ?? asId(chat?.id) ?? '',
    sentAt: dateFrom(asNumber(payload.date ?? payload.edit_date), 's', receivedAt),
  };
  const metadata: Record<string, string> = {};
  const chatId = asId(chat?.id);
  if (chatId) metadata.chat_id = chatId;
  if (kind === 'callback_query') {
    const data = asString(payload.data) ?? '';
    metadata.callback_data = data;
    return placeholder(base, kind, {
      contentKind: ContentKind.CONTENT_KIND_INTERACTIVE,
      text: data,
      metadata,
      ...names(from),
    });
  }
  return placeholder(base, kind, { text: asString(payload.text) ?? '', metadata, ...names(from) });
}

function names(from: JsonRecord): { displayName?: string } {
  const full = [asString(from.first_name), asString(from.last_name)].filter(Boolean).join(' ');
  const displayName = full || asString(from.username);
  return displayName ? { displayName } : {};
}

function messageDraft(message: JsonRecord, receivedAt: Date): SocialMessageDraft {
  const chatId = asId(asRecord(message.chat)?.id) ?? '';
  const from = asRecord(message.from) ?? {};
  const reply = asRecord(message.reply_to_message);
  const replyChat = asId(asRecord(reply?.chat)?.id) ?? chatId;
  const replyId = asId(reply?.message_id);
  const base = {
    channel: 'telegram' as const,
    channelMessageId: `${chatId}:${asId(message.message_id) ?? ''}`,
    // Channel posts have no `from`: the chat speaks.
    senderId: asId(from.id) ?? chatId,
    sentAt: dateFrom(asNumber(message.date), 's', receivedAt),
  };
  const common: Partial<SocialMessageDraft> = {
    ...names(from),
    replyToChannelMessageId: replyId ? `${replyChat}:${replyId}` : undefined,
    metadata: { chat_id: chatId },
  };
  const caption = asString(message.caption) ?? '';
  if (typeof message.text === 'string') {
    return placeholder(base, 'text', { ...common, contentKind: ContentKind.CONTENT_KIND_TEXT, text: message.text });
  }
  const photo = asArray(message.photo).map((p) => asRecord(p) ?? {});
  if (photo.length > 0) {
    // Sizes come smallest first; the last is the original.
    const fileId = asString(photo[photo.length - 1]?.file_id);
    const media: MediaSource[] = fileId
      ? [{ kind: 'telegram-file', fileId, type: 'photo', mimeType: 'image/jpeg' }]
      : [];
    return placeholder(base, 'photo', { ...common, contentKind: ContentKind.CONTENT_KIND_MEDIA, text: caption, media });
  }
  for (const type of FILE_TYPES) {
    const file = asRecord(message[type]);
    if (!file) continue;
    const fileId = asString(file.file_id);
    const media: MediaSource[] = fileId
      ? [
          {
            kind: 'telegram-file',
            fileId,
            type,
            mimeType: asString(file.mime_type),
            filename: asString(file.file_name),
          },
        ]
      : [];
    return placeholder(base, type, { ...common, contentKind: ContentKind.CONTENT_KIND_MEDIA, text: caption, media });
  }
  const location = asRecord(message.location);
  if (location) {
    const metadata = {
      chat_id: chatId,
      latitude: String(location.latitude ?? ''),
      longitude: String(location.longitude ?? ''),
    };
    const text = asString(asRecord(message.venue)?.title) ?? '';
    return placeholder(base, message.venue ? 'venue' : 'location', {
      ...common,
      contentKind: ContentKind.CONTENT_KIND_LOCATION,
      text,
      metadata,
    });
  }
  const contact = asRecord(message.contact);
  if (contact) {
    const text = [asString(contact.first_name), asString(contact.last_name), asString(contact.phone_number)]
      .filter(Boolean)
      .join(' ');
    return placeholder(base, 'contact', { ...common, contentKind: ContentKind.CONTENT_KIND_CONTACT, text });
  }
  const type = Object.keys(message).find((key) => !MESSAGE_META_KEYS.has(key)) ?? 'message';
  return placeholder(base, type, { ...common, text: caption });
}
