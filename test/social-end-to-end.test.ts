import { credentials } from '@grpc/grpc-js';
import { issueApiKey } from '@omni/auth';
import {
  Channel,
  ConversationServiceClient,
  ConversationServiceService,
  DeliveryState,
  type Identity,
  IdentityKind,
  type Message,
  MessageDirection,
} from '@omni/contracts';
import { Store } from '@omni/store';
import { createTestLogger, createTestScope, grpcApi, waitFor } from '@omni/testing';
import { startConversation } from '../services/conversation/src/service';
import { startIngestSocial } from '../services/ingest-social/src/service';
import { FakePlatform } from '../services/ingest-social/test/fixtures/fake-platform';
import {
  BOT_TOKEN,
  IG_ID,
  metaBody,
  PAGE_ID,
  PHONE_NUMBER_ID,
  postSigned,
  SECRETS,
  whatsappBody,
  writeChannelsFile,
} from '../services/ingest-social/test/fixtures/social-harness';

/**
 * Each messaging platform as its users live it: a signed webhook reaches the
 * customer's thread, an agent answers through gRPC, the platform's send API
 * receives the exact request, and its status webhooks mark the reply.
 */
const scope = createTestScope('social-e2e');
const platform = new FakePlatform();
let rpc: ReturnType<typeof conversationRpc>;
const conversationRpc = (key: string) => grpcApi(client, ConversationServiceService, key);
let social: Awaited<ReturnType<typeof startIngestSocial>>;
let conversation: Awaited<ReturnType<typeof startConversation>>;
let client: InstanceType<typeof ConversationServiceClient>;
let base: string;
const WAIT = { timeoutMs: 30_000 };

/** The customer's single conversation and its messages, once `count` are there. */
async function thread(identity: Identity, count: number): Promise<{ id: string; messages: Message[] }> {
  return waitFor(
    `${count} messages from ${identity.value}`,
    async () => {
      const { conversations } = await rpc.listConversations({
        customerIdentity: identity,
        customerId: '',
        status: 0,
        pageSize: 10,
        pageToken: '',
      });
      const [only] = conversations;
      if (!only) return undefined;
      const { messages } = await rpc.listMessages({
        conversationId: only.id,
        pageSize: 50,
        pageToken: '',
      });
      return messages.length >= count ? { id: only.id, messages } : undefined;
    },
    WAIT,
  );
}

async function reply(conversationId: string, text: string): Promise<Message> {
  const { message } = await rpc.sendReply({
    conversationId,
    text,
    html: '',
    channel: Channel.CHANNEL_UNSPECIFIED,
    authorId: 'agent-1',
    authorName: 'Agent',
    idempotencyKey: text,
  });
  return message as Message;
}

async function deliveryOf(identity: Identity, messageId: string, state: DeliveryState): Promise<Message> {
  return waitFor(
    `reply ${messageId} in state ${DeliveryState[state]}`,
    async () => (await thread(identity, 2)).messages.find((m) => m.id === messageId && m.deliveryState === state),
    WAIT,
  );
}

beforeAll(async () => {
  await platform.start();
  const env = scope.env({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    CHANNELS_CONFIG_FILE: writeChannelsFile(),
    META_GRAPH_API_BASE: platform.baseUrl,
    TELEGRAM_API_BASE: platform.baseUrl,
    ATTACHMENT_ALLOWED_HOSTS: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  [social, conversation] = await Promise.all([startIngestSocial(env), startConversation(env)]);
  base = `http://127.0.0.1:${social.httpPort}`;
  const store = await Store.connect({
    uri: scope.mongoUri,
    dbName: scope.dbName,
    appName: 'e2e',
    logger: createTestLogger(),
  });
  const { key } = await issueApiKey(store, { tenantId: 'acme', role: 'agent', name: 'social e2e' });
  await store.close();
  client = new ConversationServiceClient(`127.0.0.1:${conversation.grpcPort}`, credentials.createInsecure());
  rpc = conversationRpc(key);
}, 120_000);

afterAll(async () => {
  client?.close();
  await Promise.all([social?.stop(), conversation?.stop()]);
  await platform.stop();
});

describe('social channels end to end', () => {
  it('Messenger: webhook → thread → reply through the Send API → delivered', async () => {
    const identity = { kind: IdentityKind.IDENTITY_KIND_MESSENGER_PSID, value: 'psid-e2e' };
    const inbound = metaBody('page', PAGE_ID, [
      {
        sender: { id: 'psid-e2e' },
        recipient: { id: PAGE_ID },
        timestamp: Date.now(),
        message: { mid: 'm_e2e_1', text: 'Is it in stock?' },
      },
    ]);
    expect((await postSigned(base, '/webhooks/meta', inbound, SECRETS.messenger.appSecret)).status).toBe(200);
    const { id, messages } = await thread(identity, 1);
    expect(messages[0]).toMatchObject({ channel: Channel.CHANNEL_MESSENGER, text: 'Is it in stock?' });

    const sent = await reply(id, 'Yes, 3 left.');
    const request = await waitFor('the Send API call', () => platform.sendsTo('/v21.0/me/messages')[0], WAIT);
    expect(request.body).toEqual({
      recipient: { id: 'psid-e2e' },
      messaging_type: 'RESPONSE',
      message: { text: 'Yes, 3 left.' },
    });
    expect(request.headers.authorization).toBe(`Bearer ${SECRETS.messenger.pageAccessToken}`);
    const mid = (await deliveryOf(identity, sent.id, DeliveryState.DELIVERY_STATE_SENT)).channelMessageId;

    const delivered = metaBody('page', PAGE_ID, [
      {
        sender: { id: 'psid-e2e' },
        recipient: { id: PAGE_ID },
        timestamp: Date.now(),
        delivery: { mids: [mid], watermark: Date.now() },
      },
    ]);
    expect((await postSigned(base, '/webhooks/meta', delivered, SECRETS.messenger.appSecret)).status).toBe(200);
    await deliveryOf(identity, sent.id, DeliveryState.DELIVERY_STATE_DELIVERED);
  });

  it('Instagram: webhook → thread → reply through the Send API', async () => {
    const identity = { kind: IdentityKind.IDENTITY_KIND_INSTAGRAM_SCOPED_ID, value: 'igsid-e2e' };
    const inbound = metaBody('instagram', IG_ID, [
      {
        sender: { id: 'igsid-e2e' },
        recipient: { id: IG_ID },
        timestamp: Date.now(),
        message: { mid: 'ig_e2e_1', text: 'Do you ship to Oslo?' },
      },
    ]);
    expect((await postSigned(base, '/webhooks/meta', inbound, SECRETS.instagram.appSecret)).status).toBe(200);
    const { id } = await thread(identity, 1);
    const sent = await reply(id, 'We do!');
    const request = await waitFor(
      'the Instagram send',
      () => platform.sendsTo('/v21.0/me/messages').find((r) => JSON.stringify(r.body).includes('We do!')),
      WAIT,
    );
    expect(request.body).toEqual({
      recipient: { id: 'igsid-e2e' },
      messaging_type: 'RESPONSE',
      message: { text: 'We do!' },
    });
    await deliveryOf(identity, sent.id, DeliveryState.DELIVERY_STATE_SENT);
  });

  it('WhatsApp: webhook → thread → reply in context → delivered and read, whatever the order', async () => {
    const identity = { kind: IdentityKind.IDENTITY_KIND_PHONE, value: '+5511987654321' };
    const inbound = whatsappBody({
      contacts: [{ profile: { name: 'Maria' }, wa_id: '5511987654321' }],
      messages: [
        {
          from: '5511987654321',
          id: 'wamid.E2E1',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'Olá, meu pedido?' },
        },
      ],
    });
    expect((await postSigned(base, '/webhooks/whatsapp', inbound, SECRETS.whatsapp.appSecret)).status).toBe(200);
    const { id, messages } = await thread(identity, 1);
    expect(messages[0]?.participant?.displayName).toBe('Maria');

    const sent = await reply(id, 'Chega amanhã.');
    const request = await waitFor(
      'the Cloud API call',
      () => platform.sendsTo(`/v21.0/${PHONE_NUMBER_ID}/messages`)[0],
      WAIT,
    );
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      to: '5511987654321',
      type: 'text',
      text: { body: 'Chega amanhã.' },
      context: { message_id: 'wamid.E2E1' },
    });
    const wamid = (await deliveryOf(identity, sent.id, DeliveryState.DELIVERY_STATE_SENT)).channelMessageId;
    const status = (name: string, at: number) =>
      whatsappBody({ statuses: [{ id: wamid, status: name, timestamp: String(at), recipient_id: '5511987654321' }] });
    const now = Math.floor(Date.now() / 1000);
    // Read arrives before delivered: the state must not go back.
    expect(
      (await postSigned(base, '/webhooks/whatsapp', status('read', now + 2), SECRETS.whatsapp.appSecret)).status,
    ).toBe(200);
    expect(
      (await postSigned(base, '/webhooks/whatsapp', status('delivered', now + 1), SECRETS.whatsapp.appSecret)).status,
    ).toBe(200);
    await deliveryOf(identity, sent.id, DeliveryState.DELIVERY_STATE_READ);
    const after = await thread(identity, 2);
    expect(after.messages.map((m) => m.direction)).toEqual([
      MessageDirection.MESSAGE_DIRECTION_INBOUND,
      MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
    ]);
    expect(after.messages[1]?.deliveryState).toBe(DeliveryState.DELIVERY_STATE_READ);
  });

  it('Telegram: webhook → thread → reply with reply_parameters', async () => {
    const identity = { kind: IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, value: '777' };
    const update = {
      update_id: 1,
      message: {
        message_id: 55,
        from: { id: 777, is_bot: false, first_name: 'Ivan' },
        chat: { id: 777, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: 'Привет! Где заказ?',
      },
    };
    const posted = await fetch(`${base}/webhooks/telegram/tg-bot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRETS.telegram.secretToken },
      body: JSON.stringify(update),
    });
    expect(posted.status).toBe(200);
    const { id } = await thread(identity, 1);
    const sent = await reply(id, 'Уже в пути.');
    const request = await waitFor('the Bot API call', () => platform.sendsTo(`/bot${BOT_TOKEN}/sendMessage`)[0], WAIT);
    expect(request.body).toMatchObject({ chat_id: 777, text: 'Уже в пути.', reply_parameters: { message_id: 55 } });
    await deliveryOf(identity, sent.id, DeliveryState.DELIVERY_STATE_SENT);
  });
});
