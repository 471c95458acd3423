import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { issueApiKey } from '@omni/auth';
import {
  Channel,
  ConversationServiceClient,
  ConversationServiceService,
  CustomerServiceClient,
  CustomerServiceService,
  DeliveryState,
  IdentityKind,
  MessageDirection,
} from '@omni/contracts';
import { Store } from '@omni/store';
import { createTestLogger, createTestScope, grpcApi, waitFor } from '@omni/testing';
import { createTransport } from 'nodemailer';
import { startConversation } from '../services/conversation/src/service';
import { startIngestEmail } from '../services/ingest-email/src/service';
import { startIngestSocial } from '../services/ingest-social/src/service';
import { FakePlatform } from '../services/ingest-social/test/fixtures/fake-platform';
import {
  metaBody,
  PAGE_ID,
  PHONE_NUMBER_ID,
  postSigned,
  SECRETS,
  whatsappBody,
} from '../services/ingest-social/test/fixtures/social-harness';

/**
 * The story the product exists for: Ada mails on day one, writes on WhatsApp on
 * day two from the number an integration linked to her profile, and on
 * Messenger on day three after an agent linked that identity. The agent sees
 * one conversation with every message in order, answers on WhatsApp, and the
 * answer is delivered there.
 */
const scope = createTestScope('story');
const platform = new FakePlatform();
const HOUR = 3_600_000;
const WAIT = { timeoutMs: 45_000 };
let email: Awaited<ReturnType<typeof startIngestEmail>>;
let social: Awaited<ReturnType<typeof startIngestSocial>>;
let conversation: Awaited<ReturnType<typeof startConversation>>;
let conversations: ConversationServiceClient;
let customers: CustomerServiceClient;
let keys: { agent: string; integration: string };
let socialBase: string;

function channelsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'story-')), 'channels.json');
  const inboxes = [
    { id: 'shop-email', channel: 'email', addresses: ['support@acme.test'], fromAddress: 'support@acme.test' },
    { id: 'fb-page', channel: 'messenger', accountId: PAGE_ID, ...SECRETS.messenger },
    { id: 'wa-number', channel: 'whatsapp', phoneNumberId: PHONE_NUMBER_ID, ...SECRETS.whatsapp },
  ];
  writeFileSync(file, JSON.stringify({ tenants: [{ id: 'acme', name: 'Acme', inboxes }] }));
  return file;
}

beforeAll(async () => {
  await platform.start();
  const env = scope.env({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    SMTP_RELAY_URL: 'smtp://127.0.0.1:9',
    CHANNELS_CONFIG_FILE: channelsFile(),
    META_GRAPH_API_BASE: platform.baseUrl,
    TELEGRAM_API_BASE: platform.baseUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  [email, social, conversation] = await Promise.all([
    startIngestEmail(env),
    startIngestSocial(env),
    startConversation(env),
  ]);
  socialBase = `http://127.0.0.1:${social.httpPort}`;
  const store = await Store.connect({
    uri: scope.mongoUri,
    dbName: scope.dbName,
    appName: 'story',
    logger: createTestLogger(),
  });
  keys = {
    agent: (await issueApiKey(store, { tenantId: 'acme', role: 'agent', name: 'agent' })).key,
    integration: (await issueApiKey(store, { tenantId: 'acme', role: 'integration', name: 'crm' })).key,
  };
  await store.close();
  conversations = new ConversationServiceClient(`127.0.0.1:${conversation.grpcPort}`, credentials.createInsecure());
  customers = new CustomerServiceClient(`127.0.0.1:${conversation.grpcPort}`, credentials.createInsecure());
}, 120_000);

afterAll(async () => {
  conversations?.close();
  customers?.close();
  await Promise.all([email?.stop(), social?.stop(), conversation?.stop()]);
  await platform.stop();
});

test('email on day one, WhatsApp on day two, Messenger on day three: one customer, one thread, answered on WhatsApp', async () => {
  const agent = grpcApi(conversations, ConversationServiceService, keys.agent);
  const agentCustomers = grpcApi(customers, CustomerServiceService, keys.agent);
  const crm = grpcApi(customers, CustomerServiceService, keys.integration);
  const ada = { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'ada@example.com' };

  // Day one: a mail over SMTP.
  const transport = createTransport({ host: '127.0.0.1', port: email.smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({
    from: 'Ada Lovelace <Ada@Example.com>',
    to: 'support@acme.test',
    subject: 'Order 1042 has not arrived',
    text: 'Hello, my order 1042 has not arrived.',
    date: new Date(Date.now() - 44 * HOUR),
  });
  transport.close();
  const customerId = await waitFor(
    'the mail in a thread',
    async () => (await agent.listConversations({ customerIdentity: ada })).conversations[0]?.customerId,
    WAIT,
  );

  // The shop's CRM knows her phone number and asserts it.
  await crm.linkIdentity({
    customerId,
    identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: '+1 555 000 2222' },
    evidence: 'crm profile 77',
    verified: true,
  });

  // Day two: WhatsApp from that number (wa_id is the number without "+").
  const whatsapp = whatsappBody({
    contacts: [{ profile: { name: 'Ada' }, wa_id: '15550002222' }],
    messages: [
      {
        from: '15550002222',
        id: 'wamid.story-1',
        timestamp: String(Math.floor((Date.now() - 20 * HOUR) / 1000)),
        type: 'text',
        text: { body: 'Any news about 1042?' },
      },
    ],
  });
  expect((await postSigned(socialBase, '/webhooks/whatsapp', whatsapp, SECRETS.whatsapp.appSecret)).status).toBe(200);

  // Day three: the agent links her Messenger id, then she writes there.
  await agentCustomers.linkIdentity({
    customerId,
    identity: { kind: IdentityKind.IDENTITY_KIND_MESSENGER_PSID, value: 'psid-ada' },
    evidence: 'she gave it in the mail thread',
  });
  const messenger = metaBody('page', PAGE_ID, [
    {
      sender: { id: 'psid-ada' },
      recipient: { id: PAGE_ID },
      timestamp: Date.now(),
      message: { mid: 'm_story_1', text: 'Hello? Still waiting.' },
    },
  ]);
  expect((await postSigned(socialBase, '/webhooks/meta', messenger, SECRETS.messenger.appSecret)).status).toBe(200);

  // The agent lists one conversation and reads every message in the order she sent them.
  const thread = await waitFor(
    'three messages in one thread',
    async () => {
      const { conversations: list } = await agent.listConversations({ customerId });
      const [only] = list;
      if (list.length !== 1 || !only) return undefined;
      const { entries } = await agent.listTimeline({ conversationId: only.id });
      const messages = entries.flatMap((e) => (e.entry?.$case === 'message' ? [e.entry.value] : []));
      return messages.length >= 3 ? { id: only.id, messages } : undefined;
    },
    WAIT,
  );
  expect(thread.messages.map((m) => [m.channel, m.customerId])).toEqual([
    [Channel.CHANNEL_EMAIL, customerId],
    [Channel.CHANNEL_WHATSAPP, customerId],
    [Channel.CHANNEL_MESSENGER, customerId],
  ]);
  expect(thread.messages[1]?.text).toBe('Any news about 1042?');
  const profile = await agentCustomers.getCustomer({ customerId });
  expect(profile.customer?.identities.map((i) => i.identity?.kind).sort()).toEqual([
    IdentityKind.IDENTITY_KIND_EMAIL,
    IdentityKind.IDENTITY_KIND_PHONE,
    IdentityKind.IDENTITY_KIND_MESSENGER_PSID,
  ]);

  // The agent answers on WhatsApp; the Cloud API receives it, and its status marks it delivered.
  const { message: reply } = await agent.sendReply({
    conversationId: thread.id,
    text: 'It ships today, Ada!',
    channel: Channel.CHANNEL_WHATSAPP,
    idempotencyKey: 'story-reply',
  });
  expect(reply?.direction).toBe(MessageDirection.MESSAGE_DIRECTION_OUTBOUND);
  const sent = await waitFor(
    'the WhatsApp send',
    () =>
      platform
        .sendsTo(`/v21.0/${PHONE_NUMBER_ID}/messages`)
        .find((r) => JSON.stringify(r.body).includes('ships today')),
    WAIT,
  );
  expect(sent.body).toMatchObject({
    messaging_product: 'whatsapp',
    to: '15550002222',
    type: 'text',
    text: { body: 'It ships today, Ada!' },
    context: { message_id: 'wamid.story-1' },
  });
  const wamid = await waitFor(
    'the reply marked sent',
    async () => {
      const { messages } = await agent.listMessages({ conversationId: thread.id });
      const ours = messages.find((m) => m.id === reply?.id);
      return ours?.deliveryState === DeliveryState.DELIVERY_STATE_SENT ? ours.channelMessageId : undefined;
    },
    WAIT,
  );
  const delivered = whatsappBody({
    statuses: [
      { id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15550002222' },
    ],
  });
  expect((await postSigned(socialBase, '/webhooks/whatsapp', delivered, SECRETS.whatsapp.appSecret)).status).toBe(200);
  await waitFor(
    'the reply delivered',
    async () =>
      (await agent.listMessages({ conversationId: thread.id })).messages.find((m) => m.id === reply?.id)
        ?.deliveryState === DeliveryState.DELIVERY_STATE_DELIVERED,
    WAIT,
  );
}, 180_000);
