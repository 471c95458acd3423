import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import { issueApiKey } from '@omni/auth';
import {
  Channel,
  ConversationServiceClient,
  ConversationServiceService,
  IdentityKind,
  type ListConversationsResponse,
  type ListMessagesResponse,
  MessageDirection,
  type SendReplyResponse,
  ThreadRule,
} from '@omni/contracts';
import { Store } from '@omni/store';
import { createTestLogger, createTestScope, grpcApi, waitFor } from '@omni/testing';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { startConversation } from '../services/conversation/src/service';
import { startIngestEmail } from '../services/ingest-email/src/service';

/**
 * Email as a customer and an agent live it: a mail over real SMTP becomes a
 * thread, the agent replies through gRPC, the relay receives a threaded reply,
 * and the customer's answer to it (from a client that rewrites the headers the
 * way Outlook does) lands in the same conversation.
 */
const scope = createTestScope('email-e2e');
const relayed: Array<{ to: string[]; raw: Buffer }> = [];
let relay: SMTPServer;
let relayPort: number;
let workDir: string;
let ingest: Awaited<ReturnType<typeof startIngestEmail>>;
let conversation: Awaited<ReturnType<typeof startConversation>>;
let client: InstanceType<typeof ConversationServiceClient>;
let rpc: ReturnType<typeof conversationRpc>;
const conversationRpc = (key: string) => grpcApi(client, ConversationServiceService, key);

async function sendMail(message: Parameters<ReturnType<typeof createTransport>['sendMail']>[0]) {
  const transport = createTransport({ host: '127.0.0.1', port: ingest.smtpPort, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

async function conversationsOf(email: string): Promise<ListConversationsResponse> {
  return rpc.listConversations({
    customerIdentity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: email },
    customerId: '',
    status: 0,
    pageSize: 10,
    pageToken: '',
  });
}

async function messagesOf(conversationId: string): Promise<ListMessagesResponse> {
  return rpc.listMessages({ conversationId, pageSize: 50, pageToken: '' });
}

beforeAll(async () => {
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        relayed.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
  relayPort = (relay.server.address() as AddressInfo).port;

  workDir = mkdtempSync(join(tmpdir(), 'omni-email-e2e-'));
  const channelsFile = join(workDir, 'channels.json');
  writeFileSync(
    channelsFile,
    JSON.stringify({
      tenants: [
        {
          id: 'shop',
          name: 'Shop',
          inboxes: [
            {
              id: 'shop-email',
              channel: 'email',
              addresses: ['support@shop.test'],
              fromAddress: 'support@shop.test',
              fromName: 'Shop Support',
            },
          ],
        },
      ],
    }),
  );
  const env = scope.env({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    SMTP_RELAY_URL: `smtp://127.0.0.1:${relayPort}`,
    CHANNELS_CONFIG_FILE: channelsFile,
    MESSAGE_ID_DOMAIN: 'mail.shop.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  [ingest, conversation] = await Promise.all([startIngestEmail(env), startConversation(env)]);

  const store = await Store.connect({
    uri: scope.mongoUri,
    dbName: scope.dbName,
    appName: 'e2e',
    logger: createTestLogger(),
  });
  const { key } = await issueApiKey(store, { tenantId: 'shop', role: 'agent', name: 'e2e agent' });
  await store.close();
  client = new ConversationServiceClient(`127.0.0.1:${conversation.grpcPort}`, credentials.createInsecure());
  rpc = conversationRpc(key);
}, 120_000);

afterAll(async () => {
  client?.close();
  await Promise.all([ingest?.stop(), conversation?.stop()]);
  await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('email end to end', () => {
  it('threads a mail, an agent reply over the relay and the customer answer into one conversation', async () => {
    const first = await sendMail({
      from: '"Ada Lovelace" <Ada@Example.com>',
      to: 'support@shop.test',
      subject: 'Where is my order #1042?',
      text: 'Hello, my order has not arrived yet.',
    });
    expect(first.response).toMatch(/^250/);

    const listed = await waitFor(
      'the conversation of ada@example.com',
      async () => {
        const result = await conversationsOf('ada@example.com');
        const [only] = result.conversations;
        return result.conversations.length === 1 && only?.messageCount === 1 ? only : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(listed?.subject).toBe('Where is my order #1042?');
    expect(listed?.channels).toEqual([Channel.CHANNEL_EMAIL]);
    const conversationId = listed?.id as string;

    const reply: SendReplyResponse = await rpc.sendReply({
      conversationId,
      text: 'Sorry about that! It ships today.',
      html: '',
      channel: Channel.CHANNEL_UNSPECIFIED,
      authorId: 'agent-7',
      authorName: 'Grace',
      idempotencyKey: 'reply-1',
    });
    expect(reply.message?.direction).toBe(MessageDirection.MESSAGE_DIRECTION_OUTBOUND);

    const sent = await waitFor('the reply at the relay', () => relayed[0], { timeoutMs: 30_000 });
    expect(sent.to).toEqual(['ada@example.com']);
    const parsed = await simpleParser(sent.raw);
    const ourMessageId = parsed.messageId as string;
    expect(parsed.subject).toBe('Re: Where is my order #1042?');
    expect(parsed.inReplyTo).toBe(first.messageId);
    expect(parsed.references).toEqual(first.messageId);
    expect(parsed.from?.value[0]?.address).toBe('support@shop.test');
    expect(parsed.replyTo?.value[0]?.address).toMatch(/^support\+c_[a-z0-9]+@shop\.test$/);
    expect(parsed.headers.get('thread-index')).toBeDefined();
    expect(parsed.headers.has('auto-submitted')).toBe(false);
    expect(parsed.text?.trim()).toBe('Sorry about that! It ships today.');

    // Outlook answers with its own Message-ID, an In-Reply-To only, no References, and "AW:".
    // A Date header has whole seconds: a customer answering within the reply's second would be
    // ordered before it, so she answers (by her clock) a little later, as people do.
    const replySentAt = reply.message?.sentAt?.getTime() ?? Date.now();
    await sendMail({
      date: new Date(replySentAt + 2_000),
      from: 'ada@example.com',
      to: parsed.replyTo?.value[0]?.address as string,
      subject: 'AW: Re: Where is my order #1042?',
      inReplyTo: ourMessageId,
      headers: { 'Thread-Index': parsed.headers.get('thread-index') as string },
      text: 'Great, thank you!\n\n-----Original Message-----\nFrom: Shop Support\nSorry about that! It ships today.',
    });

    const thread = await waitFor(
      'three messages in the thread',
      async () => {
        const result = await messagesOf(conversationId);
        return result.messages.length === 3 ? result.messages : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(thread.map((m) => m.direction)).toEqual([
      MessageDirection.MESSAGE_DIRECTION_INBOUND,
      MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
      MessageDirection.MESSAGE_DIRECTION_INBOUND,
    ]);
    expect(thread[2]?.threadRule).toBe(ThreadRule.THREAD_RULE_REFERENCES);
    expect(thread[2]?.replyText.trim()).toBe('Great, thank you!');
    expect((await conversationsOf('ada@example.com')).conversations).toHaveLength(1);
    await waitFor('the reply marked sent', async () => {
      const result = await messagesOf(conversationId);
      return result.messages[1]?.deliveryState === 2 /* DELIVERY_STATE_SENT */;
    });
  });

  it('accepts a first mail sent with swaks', async () => {
    const swaks = spawnSync('sh', ['-c', 'command -v swaks'], { encoding: 'utf8' });
    if (swaks.status !== 0) throw new Error('swaks is not installed: apt-get install -y swaks (the README names it)');
    // Asynchronous: the SMTP server under test runs in this very process.
    const run = await promisify(execFile)(
      'swaks',
      [
        '--server',
        `127.0.0.1:${ingest.smtpPort}`,
        '--from',
        'swaks.user@example.org',
        '--to',
        'support@shop.test',
        '--header',
        'Subject: Hello from swaks',
        '--body',
        'Sent with swaks',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.stdout).toMatch(/<- {2}250 /);
    const listed = await waitFor(
      'the swaks conversation',
      async () => {
        const result = await conversationsOf('swaks.user@example.org');
        return result.conversations[0];
      },
      { timeoutMs: 30_000 },
    );
    expect(listed.subject).toBe('Hello from swaks');
  });
});
