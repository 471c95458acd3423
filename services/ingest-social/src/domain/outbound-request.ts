import type { OutboundMessage } from '@omni/contracts';
import type { SocialInbox } from './inbox-directory';
import { splitText } from './text-split';

export interface PlatformEndpoints {
  graphBase: string;
  graphVersion: string;
  telegramBase: string;
}

export interface PlatformRequest {
  channel: SocialInbox['channel'];
  url: string;
  /** The URL without credentials, for logs (Telegram's carries the bot token). */
  target: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Longest text one message may carry, per platform; longer replies go out as several messages. */
export const TEXT_LIMITS: Record<SocialInbox['channel'], number> = {
  messenger: 2000,
  instagram: 1000,
  whatsapp: 4096,
  telegram: 4096,
};

/** The platform calls that send one reply, in order: one per part of a text too long for one message. */
export function buildSendRequests(
  message: OutboundMessage,
  inbox: SocialInbox,
  endpoints: PlatformEndpoints,
  options: { outsideWindow?: boolean } = {},
): PlatformRequest[] {
  const recipient = message.recipient?.identity?.value ?? '';
  const replyTo = message.threading?.replyToChannelMessageId ?? '';
  const parts = splitText(message.text, TEXT_LIMITS[inbox.channel]);
  const json = { 'content-type': 'application/json' };
  if (inbox.channel === 'messenger' || inbox.channel === 'instagram') {
    const url = `${endpoints.graphBase}/${endpoints.graphVersion}/me/messages`;
    const headers = { ...json, authorization: `Bearer ${inbox.pageAccessToken}` };
    const tag = message.messageTag || (options.outsideWindow ? inbox.outsideWindowTag : undefined);
    return parts.map((text) => ({
      channel: inbox.channel,
      url,
      target: url,
      headers,
      body: {
        recipient: { id: recipient },
        messaging_type: tag ? 'MESSAGE_TAG' : 'RESPONSE',
        ...(tag ? { tag } : {}),
        message: { text },
      },
    }));
  }
  if (inbox.channel === 'whatsapp') {
    const url = `${endpoints.graphBase}/${endpoints.graphVersion}/${inbox.phoneNumberId}/messages`;
    const headers = { ...json, authorization: `Bearer ${inbox.accessToken}` };
    const template = options.outsideWindow ? inbox.outsideWindowTemplate : undefined;
    if (template) {
      // One template message: the whole reply is its body parameter.
      const body = {
        messaging_product: 'whatsapp',
        to: recipient.replace(/^\+/, ''),
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          components: [{ type: 'body', parameters: [{ type: 'text', text: message.text }] }],
        },
      };
      return [{ channel: inbox.channel, url, target: url, headers, body }];
    }
    return parts.map((text, index) => ({
      channel: inbox.channel,
      url,
      target: url,
      headers,
      body: {
        messaging_product: 'whatsapp',
        to: recipient.replace(/^\+/, ''),
        type: 'text',
        text: { body: text },
        ...(replyTo && index === 0 ? { context: { message_id: replyTo } } : {}),
      },
    }));
  }
  if (inbox.channel !== 'telegram') return [];
  const { botToken } = inbox;
  const path = '/sendMessage';
  const replyMessageId = Number(replyTo.split(':').pop());
  return parts.map((text, index) => ({
    channel: inbox.channel,
    url: `${endpoints.telegramBase}/bot${botToken}${path}`,
    target: `${endpoints.telegramBase}/bot<token>${path}`,
    headers: json,
    body: {
      chat_id: /^-?\d{1,15}$/.test(recipient) ? Number(recipient) : recipient,
      text,
      // Only the first part answers; a deleted original must not stop the reply.
      ...(replyTo && index === 0 && Number.isSafeInteger(replyMessageId)
        ? { reply_parameters: { message_id: replyMessageId, allow_sending_without_reply: true } }
        : {}),
    },
  }));
}
