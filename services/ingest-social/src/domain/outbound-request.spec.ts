import { Channel, OutboundMessage } from '@omni/contracts';
import { buildSendRequests } from './outbound-request';

const endpoints = { graphBase: 'https://graph.test', graphVersion: 'v21.0', telegramBase: 'https://tg.test' };

function message(partial: Partial<OutboundMessage>): OutboundMessage {
  return OutboundMessage.fromPartial({ id: 'out-1', tenantId: 't', text: 'hello', ...partial });
}

describe('buildSendRequests', () => {
  it('builds a Messenger RESPONSE, or MESSAGE_TAG when tagged', () => {
    const inbox = {
      id: 'fb',
      channel: 'messenger' as const,
      accountId: '1',
      appSecret: 's'.repeat(8),
      verifyToken: 'v'.repeat(8),
      pageAccessToken: 'PAGE-TOKEN',
    };
    const [plain] = buildSendRequests(
      message({
        channel: Channel.CHANNEL_MESSENGER,
        recipient: { identity: { kind: 3, value: 'psid' }, displayName: '' },
      }),
      inbox,
      endpoints,
    );
    expect(plain?.url).toBe('https://graph.test/v21.0/me/messages');
    expect(plain?.headers.authorization).toBe('Bearer PAGE-TOKEN');
    expect(plain?.body).toEqual({ recipient: { id: 'psid' }, messaging_type: 'RESPONSE', message: { text: 'hello' } });
    const [tagged] = buildSendRequests(
      message({ messageTag: 'HUMAN_AGENT', recipient: { identity: { kind: 3, value: 'psid' }, displayName: '' } }),
      inbox,
      endpoints,
    );
    expect(tagged?.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('builds a WhatsApp text with the reply context and the number without +', () => {
    const inbox = {
      id: 'wa',
      channel: 'whatsapp' as const,
      phoneNumberId: '555',
      appSecret: 's'.repeat(8),
      verifyToken: 'v'.repeat(8),
      accessToken: 'WA-TOKEN',
    };
    const [request] = buildSendRequests(
      message({
        recipient: { identity: { kind: 2, value: '+4915112345678' }, displayName: '' },
        threading: { replyToChannelMessageId: 'wamid.in' } as never,
      }),
      inbox,
      endpoints,
    );
    expect(request?.url).toBe('https://graph.test/v21.0/555/messages');
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      to: '4915112345678',
      type: 'text',
      text: { body: 'hello' },
      context: { message_id: 'wamid.in' },
    });
  });

  it('splits long Telegram text, replying with the first part only, and hides the token in the target', () => {
    const inbox = {
      id: 'tg',
      channel: 'telegram' as const,
      botToken: '123:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      secretToken: 'secret-token',
    };
    const text = `${'a'.repeat(4000)}\n${'b'.repeat(200)}`;
    const requests = buildSendRequests(
      message({
        text,
        recipient: { identity: { kind: 5, value: '777' }, displayName: '' },
        threading: { replyToChannelMessageId: '777:5' } as never,
      }),
      inbox,
      endpoints,
    );
    expect(requests).toHaveLength(2);
    expect(requests[0]?.url).toBe('https://tg.test/bot123:ABCDEFGHIJKLMNOPQRSTUVWXYZ/sendMessage');
    expect(requests[0]?.target).not.toContain('ABCDEF');
    expect(requests[0]?.body).toEqual({
      chat_id: 777,
      text: 'a'.repeat(4000),
      reply_parameters: { message_id: 5, allow_sending_without_reply: true },
    });
    expect(requests[1]?.body).toEqual({ chat_id: 777, text: 'b'.repeat(200) });
  });
});
