import { Channel, DeliveryState, deterministicId, IdentityKind, OutboundMessage } from '@omni/contracts';
import { createTestScope, waitFor } from '@omni/testing';
import { type IngestSocial, startIngestSocial } from '../src/service';
import { FakePlatform } from './fixtures/fake-platform';
import {
  BOT_TOKEN,
  IG_ID,
  KafkaProbe,
  PAGE_ID,
  PHONE_NUMBER_ID,
  postSigned,
  SECRETS,
  TENANT,
  writeChannelsFile,
} from './fixtures/social-harness';

const scope = createTestScope('social-outbound');
const platform = new FakePlatform();
let service: IngestSocial;
let probe: KafkaProbe;
let base = '';
const WAIT = { timeoutMs: 30_000 };
const GRAPH_SEND = '/v21.0/me/messages';
const WA_SEND = `/v21.0/${PHONE_NUMBER_ID}/messages`;
const TG_SEND = `/bot${BOT_TOKEN}/sendMessage`;
let sequence = 0;

function reply(
  channel: Channel,
  inboxId: string,
  kind: IdentityKind,
  value: string,
  extra: Partial<OutboundMessage> = {},
): OutboundMessage {
  sequence += 1;
  return OutboundMessage.fromPartial({
    id: `out-${sequence}-${Date.now()}`,
    tenantId: TENANT,
    conversationId: `conv-${sequence}`,
    inboxId,
    channel,
    recipient: { identity: { kind, value }, displayName: '' },
    authorId: 'agent-1',
    text: `Reply number ${sequence}`,
    createdAt: new Date(),
    ...extra,
  });
}

async function statusOf(messageId: string, state: DeliveryState) {
  return waitFor(
    `${DeliveryState[state]} for ${messageId}`,
    () => probe.deliveryOf(messageId).find((d) => d.value.state === state),
    WAIT,
  );
}

/** A customer's message through the webhook, so the 24-hour window is open for them. */
async function customerWrites(
  object: 'page' | 'instagram',
  accountId: string,
  sender: string,
  secret: string,
  at = Date.now(),
) {
  const mid = `in-${sender}-${at}`;
  const body = JSON.stringify({
    object,
    entry: [
      {
        id: accountId,
        time: at,
        messaging: [
          {
            sender: { id: sender },
            recipient: { id: accountId },
            timestamp: at,
            message: { mid, text: 'help' },
          },
        ],
      },
    ],
  });
  expect((await postSigned(base, '/webhooks/meta', body, secret)).status).toBe(200);
}

beforeAll(async () => {
  await platform.start();
  service = await startIngestSocial(
    scope.env({
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      CHANNELS_CONFIG_FILE: writeChannelsFile(),
      META_GRAPH_API_BASE: platform.baseUrl,
      TELEGRAM_API_BASE: platform.baseUrl,
      ATTACHMENT_ALLOWED_HOSTS: '127.0.0.1',
    }),
  );
  base = `http://127.0.0.1:${service.httpPort}`;
  probe = new KafkaProbe(scope.kafkaBrokers, scope.topicPrefix);
  await probe.start();
}, 120_000);

afterAll(async () => {
  await probe?.stop();
  await service?.runtime.shutdown.run('test');
  await platform.stop();
});

describe('outbound replies', () => {
  it('sends a Messenger reply inside the window and reports SENT with the Graph message id', async () => {
    await customerWrites('page', PAGE_ID, 'psid-out', SECRETS.messenger.appSecret);
    const message = reply(Channel.CHANNEL_MESSENGER, 'fb-page', IdentityKind.IDENTITY_KIND_MESSENGER_PSID, 'psid-out');
    await probe.publishOutbound(message);
    const sent = await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    const [request] = platform.sendsTo(GRAPH_SEND).filter((r) => JSON.stringify(r.body).includes(message.text));
    expect(request?.headers.authorization).toBe(`Bearer ${SECRETS.messenger.pageAccessToken}`);
    expect(request?.body).toEqual({
      recipient: { id: 'psid-out' },
      messaging_type: 'RESPONSE',
      message: { text: message.text },
    });
    expect(sent.key).toBe(message.conversationId);
    expect(sent.value).toMatchObject({
      id: deterministicId('dlv', message.id, 'DELIVERY_STATE_SENT'),
      tenantId: TENANT,
      conversationId: message.conversationId,
      channel: Channel.CHANNEL_MESSENGER,
      channelMessageId: expect.stringMatching(/^m_sent_/),
      reason: '',
    });
  });

  it('sends an Instagram reply with the page token of the Instagram inbox', async () => {
    await customerWrites('instagram', IG_ID, 'igsid-out', SECRETS.instagram.appSecret);
    const message = reply(
      Channel.CHANNEL_INSTAGRAM,
      'ig-account',
      IdentityKind.IDENTITY_KIND_INSTAGRAM_SCOPED_ID,
      'igsid-out',
    );
    await probe.publishOutbound(message);
    await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    const [request] = platform.sendsTo(GRAPH_SEND).filter((r) => JSON.stringify(r.body).includes(message.text));
    expect(request?.headers.authorization).toBe(`Bearer ${SECRETS.instagram.pageAccessToken}`);
    expect(request?.body).toEqual({
      recipient: { id: 'igsid-out' },
      messaging_type: 'RESPONSE',
      message: { text: message.text },
    });
  });

  it('sends a WhatsApp reply in context and reports the wamid', async () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: PHONE_NUMBER_ID },
                messages: [
                  {
                    from: '4915100000001',
                    id: 'wamid.CUSTOMER',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'hi' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await postSigned(base, '/webhooks/whatsapp', body, SECRETS.whatsapp.appSecret)).status).toBe(200);
    const message = reply(Channel.CHANNEL_WHATSAPP, 'wa-number', IdentityKind.IDENTITY_KIND_PHONE, '+4915100000001', {
      threading: { replyToChannelMessageId: 'wamid.CUSTOMER' } as OutboundMessage['threading'],
    });
    await probe.publishOutbound(message);
    const sent = await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    const [request] = platform.sendsTo(WA_SEND).filter((r) => JSON.stringify(r.body).includes(message.text));
    expect(request?.headers.authorization).toBe(`Bearer ${SECRETS.whatsapp.accessToken}`);
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      to: '4915100000001',
      type: 'text',
      text: { body: message.text },
      context: { message_id: 'wamid.CUSTOMER' },
    });
    expect(sent.value.channelMessageId).toMatch(/^wamid\.sent/);
  });

  it('sends a Telegram reply, splitting text over 4,096 characters into several messages', async () => {
    const words = Array(700).fill('word').join(' ');
    const more = Array(200).fill('more').join(' ');
    const long = `${words}\n${more}`;
    const message = reply(Channel.CHANNEL_TELEGRAM, 'tg-bot', IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, '5550001', {
      text: long,
      threading: { replyToChannelMessageId: '5550001:12' } as OutboundMessage['threading'],
    });
    await probe.publishOutbound(message);
    const sent = await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    const parts = platform
      .sendsTo(TG_SEND)
      .filter(
        (r) =>
          (r.body as { text: string }).text.startsWith('word') || (r.body as { text: string }).text.startsWith('more'),
      );
    expect(parts).toHaveLength(2);
    expect(parts[0]?.body).toEqual({
      chat_id: 5550001,
      text: words,
      reply_parameters: { message_id: 12, allow_sending_without_reply: true },
    });
    expect(long.length).toBeGreaterThan(4096);
    expect(parts[1]?.body).toEqual({ chat_id: 5550001, text: more });
    expect(sent.value.channelMessageId).toMatch(/^5550001:\d+$/);
  });

  it('retries a Telegram 429 after retry_after, then reports SENT', async () => {
    platform.script(TG_SEND, {
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    const message = reply(Channel.CHANNEL_TELEGRAM, 'tg-bot', IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, '5550002');
    const before = platform.sendsTo(TG_SEND).length;
    await probe.publishOutbound(message);
    await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    const tries = platform
      .sendsTo(TG_SEND)
      .slice(before)
      .filter((r) => (r.body as { text: string }).text === message.text);
    expect(tries).toHaveLength(2);
  });

  it('fails a reply outside the 24-hour window without calling the platform, unless it carries a message tag', async () => {
    const message = reply(
      Channel.CHANNEL_MESSENGER,
      'fb-page',
      IdentityKind.IDENTITY_KIND_MESSENGER_PSID,
      'psid-never-wrote',
    );
    await probe.publishOutbound(message);
    const failed = await statusOf(message.id, DeliveryState.DELIVERY_STATE_FAILED);
    expect(failed.value.reason).toBe('outside the 24-hour customer service window');
    expect(platform.sendsTo(GRAPH_SEND).filter((r) => JSON.stringify(r.body).includes(message.text))).toEqual([]);

    const tagged = reply(
      Channel.CHANNEL_MESSENGER,
      'fb-page',
      IdentityKind.IDENTITY_KIND_MESSENGER_PSID,
      'psid-never-wrote',
      {
        messageTag: 'HUMAN_AGENT',
      },
    );
    await probe.publishOutbound(tagged);
    await statusOf(tagged.id, DeliveryState.DELIVERY_STATE_SENT);
    const [request] = platform.sendsTo(GRAPH_SEND).filter((r) => JSON.stringify(r.body).includes(tagged.text));
    expect(request?.body).toEqual({
      recipient: { id: 'psid-never-wrote' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: tagged.text },
    });
  });

  it('closes the window 24 hours after the customer last wrote, by the platform timestamp', async () => {
    await customerWrites('page', PAGE_ID, 'psid-stale', SECRETS.messenger.appSecret, Date.now() - 25 * 60 * 60 * 1000);
    const message = reply(
      Channel.CHANNEL_MESSENGER,
      'fb-page',
      IdentityKind.IDENTITY_KIND_MESSENGER_PSID,
      'psid-stale',
    );
    await probe.publishOutbound(message);
    expect((await statusOf(message.id, DeliveryState.DELIVERY_STATE_FAILED)).value.reason).toBe(
      'outside the 24-hour customer service window',
    );
    // A redelivered older message must not move the window back: a fresh one reopens it, and stays.
    await customerWrites('page', PAGE_ID, 'psid-stale', SECRETS.messenger.appSecret);
    await customerWrites('page', PAGE_ID, 'psid-stale', SECRETS.messenger.appSecret, Date.now() - 30 * 60 * 60 * 1000);
    const later = reply(Channel.CHANNEL_MESSENGER, 'fb-page', IdentityKind.IDENTITY_KIND_MESSENGER_PSID, 'psid-stale');
    await probe.publishOutbound(later);
    await statusOf(later.id, DeliveryState.DELIVERY_STATE_SENT);
  });

  it('keeps retrying through repeated 5xx (past the handler budget) and sends once the platform recovers', async () => {
    const unavailable = { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } };
    platform.script(TG_SEND, unavailable, unavailable, unavailable, unavailable);
    const message = reply(Channel.CHANNEL_TELEGRAM, 'tg-bot', IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, '5550004');
    await probe.publishOutbound(message);
    await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    const tries = platform.sendsTo(TG_SEND).filter((r) => (r.body as { text: string }).text === message.text);
    expect(tries).toHaveLength(5);
    expect(probe.deliveryOf(message.id).map((d) => DeliveryState[d.value.state])).toEqual(['DELIVERY_STATE_SENT']);
  });

  it('reports a platform refusal as FAILED with the platform message', async () => {
    await customerWrites('page', PAGE_ID, 'psid-blocked', SECRETS.messenger.appSecret);
    platform.script(GRAPH_SEND, {
      status: 400,
      body: {
        error: {
          message: "(#551) This person isn't available right now.",
          type: 'OAuthException',
          code: 551,
          fbtrace_id: 'Ab',
        },
      },
    });
    const message = reply(
      Channel.CHANNEL_MESSENGER,
      'fb-page',
      IdentityKind.IDENTITY_KIND_MESSENGER_PSID,
      'psid-blocked',
    );
    await probe.publishOutbound(message);
    const failed = await statusOf(message.id, DeliveryState.DELIVERY_STATE_FAILED);
    expect(failed.value.reason).toBe("(#551) This person isn't available right now.");
  });

  it('does not send a redelivered reply twice, and reports its outcome again', async () => {
    const message = reply(Channel.CHANNEL_TELEGRAM, 'tg-bot', IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, '5550003');
    await probe.publishOutbound(message);
    const first = await statusOf(message.id, DeliveryState.DELIVERY_STATE_SENT);
    await probe.publishOutbound(message);
    await waitFor('the status reported again', () => probe.deliveryOf(message.id).length >= 2, WAIT);
    const statuses = probe.deliveryOf(message.id).map((d) => d.value);
    expect(statuses.map((s) => s.id)).toEqual([first.value.id, first.value.id]);
    expect(statuses[1]?.channelMessageId).toBe(first.value.channelMessageId);
    expect(platform.sendsTo(TG_SEND).filter((r) => (r.body as { text: string }).text === message.text)).toHaveLength(1);
  });
});
