import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GridFsBlobStore } from '@omni/blob-store';
import { baseEnv, loadChannelsConfig } from '@omni/config';
import {
  Channel,
  DeliveryState,
  type DeliveryStatus,
  DeliveryStatusType,
  IdentityKind,
  OutboundMessage,
  OutboundMessageType,
  Threading,
  TopicPartitions,
  Topics,
} from '@omni/contracts';
import type { EventProducer } from '@omni/kafka';
import { ServiceRuntime } from '@omni/runtime';
import { createTestScope, waitFor } from '@omni/testing';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { type EmailOutbound, outboundEnv, startEmailOutbound } from '../src/outbound';

/** A relay the test plays: records every mail, and answers per recipient as a test scripts it. */
class TestRelay {
  readonly mails: Array<{ from: string; to: string[]; raw: string; parsed: ParsedMail }> = [];
  readonly rcptAttempts = new Map<string, number>();
  private readonly scripts = new Map<string, string[]>();
  private readonly server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === 'relay-user' && auth.password === 'relay-pass:w0rd'
        ? callback(null, { user: auth.username })
        : callback(new Error('535 bad credentials')),
    onRcptTo: (address, _session, callback) => {
      const to = address.address.toLowerCase();
      this.rcptAttempts.set(to, (this.rcptAttempts.get(to) ?? 0) + 1);
      const scripted = this.scripts.get(to)?.shift();
      if (!scripted) return callback();
      const error: SMTPServerError = new Error(scripted.slice(4));
      error.responseCode = Number(scripted.slice(0, 3));
      callback(error);
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            this.mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
            callback();
          })
          .catch(callback);
      });
    },
  });

  /** Answers the next RCPT TOs for `to` with these replies (e.g. '451 4.7.1 try later'), then accepts. */
  script(to: string, replies: string[]): void {
    this.scripts.set(to, replies);
  }

  mailsTo(to: string) {
    return this.mails.filter((mail) => mail.to.includes(to));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const scope = createTestScope('email-outbound');
const relay = new TestRelay();
const statuses: Array<{ eventId: string; key: string; value: DeliveryStatus }> = [];
const env = baseEnv.extend(outboundEnv.shape);
let runtime: ServiceRuntime<typeof env>;
let outbound: EmailOutbound;
let producer: EventProducer;
let blobs: GridFsBlobStore;

// The customer's Outlook thread: header block of 2026-11-20 08:15 UTC.
const CUSTOMER_THREAD_INDEX = 'AQHdeMc88GdwQzHhy6epJUWXd2Lyxw==';

function reply(n: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return OutboundMessage.fromPartial({
    id: `msg_${n}`,
    tenantId: 'acme',
    conversationId: `conv_${n}`,
    inboxId: 'support',
    channel: Channel.CHANNEL_EMAIL,
    recipient: {
      identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: `customer-${n}@example.com` },
      displayName: 'Jane Doe',
    },
    authorId: 'agent_1',
    authorName: 'Sam',
    subject: 'Re: My order 42',
    text: `Hello from reply ${n}`,
    html: `<p>Hello from reply ${n}</p>`,
    threading: {
      messageIdHeader: `msg_${n}.conv_${n}@mail.omni.invalid`,
      inReplyTo: `cust-${n}-2@example.com`,
      references: [`cust-${n}-1@example.com`, `cust-${n}-2@example.com`],
      threadTopic: 'My order 42',
      threadIndex: CUSTOMER_THREAD_INDEX,
    },
    conversationToken: `tok${n}`,
    automatic: false,
    createdAt: new Date(),
    ...overrides,
  });
}

async function publish(...messages: OutboundMessage[]): Promise<void> {
  await producer.publish(
    OutboundMessageType,
    Topics.outbound,
    messages.map((value) => ({ key: value.conversationId, value, eventId: value.id })),
  );
}

function statusesOf(messageId: string) {
  return statuses.filter((s) => s.value.messageId === messageId);
}

function header(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  return value === undefined ? undefined : String(value);
}

beforeAll(async () => {
  const port = await relay.listen();
  const dir = mkdtempSync(join(tmpdir(), 'email-outbound-'));
  const channelsFile = join(dir, 'channels.json');
  writeFileSync(
    channelsFile,
    JSON.stringify({
      tenants: [
        {
          id: 'acme',
          name: 'Acme',
          inboxes: [
            {
              id: 'support',
              channel: 'email',
              addresses: ['support@acme.test'],
              fromAddress: 'support@acme.test',
              fromName: 'Acme Support',
            },
          ],
        },
      ],
    }),
  );
  runtime = ServiceRuntime.create(
    {
      service: 'ingest-email',
      env,
      topics: [Topics.outbound, Topics.delivery].map((topic) => ({ topic, numPartitions: TopicPartitions[topic] })),
    },
    scope.env({
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      SMTP_RELAY_URL: `smtp://relay-user:relay-pass%3Aw0rd@127.0.0.1:${port}`,
    }),
  );
  await runtime.start();
  blobs = new GridFsBlobStore({ db: runtime.store.client.db(`${scope.dbName}_blobs`) });
  outbound = await startEmailOutbound({
    runtime,
    channels: loadChannelsConfig(channelsFile),
    relayUrl: runtime.config.SMTP_RELAY_URL,
    blobs,
  });
  await runtime.kafka.consume('outbound-test-reader', {
    topic: Topics.delivery,
    type: DeliveryStatusType,
    fromBeginning: true,
    handle: async (events) => {
      for (const event of events) statuses.push({ eventId: event.eventId, key: event.key, value: event.value });
    },
  });
  producer = await runtime.kafka.producer();
}, 60_000);

afterAll(async () => {
  await outbound?.stop();
  await runtime?.shutdown.run('test');
  await relay.close();
});

describe('email outbound', () => {
  it('sends an agent reply with threading headers and reports SENT with its Message-ID', async () => {
    await publish(reply('1'));
    const [mail] = await waitFor(
      'the mail at the relay',
      () => relay.mailsTo('customer-1@example.com').length > 0 && relay.mailsTo('customer-1@example.com'),
    );
    const sent = await waitFor('a SENT status', () => statusesOf('msg_1')[0]);

    expect(mail?.from).toBe('support@acme.test');
    const parsed = mail?.parsed as ParsedMail;
    expect(parsed.from?.value).toEqual([{ address: 'support@acme.test', name: 'Acme Support' }]);
    expect(parsed.to).toMatchObject({ value: [{ address: 'customer-1@example.com', name: 'Jane Doe' }] });
    expect(parsed.subject).toBe('Re: My order 42');
    expect(parsed.messageId).toBe('<msg_1.conv_1@mail.omni.invalid>');
    expect(parsed.inReplyTo).toBe('<cust-1-2@example.com>');
    expect(parsed.references).toEqual(['<cust-1-1@example.com>', '<cust-1-2@example.com>']);
    expect(parsed.replyTo?.value).toEqual([{ address: 'support+c_tok1@acme.test', name: '' }]);
    expect(header(parsed, 'thread-topic')).toBe('My order 42');
    const index = Buffer.from(header(parsed, 'thread-index') ?? '', 'base64');
    const customer = Buffer.from(CUSTOMER_THREAD_INDEX, 'base64');
    expect(index).toHaveLength(customer.length + 5);
    expect(index.subarray(0, 22).equals(customer)).toBe(true);
    expect(header(parsed, 'auto-submitted')).toBeUndefined();
    expect(parsed.text?.trim()).toBe('Hello from reply 1');
    expect(parsed.html).toContain('<p>Hello from reply 1</p>');

    expect(sent.key).toBe('conv_1');
    expect(sent.value).toMatchObject({
      tenantId: 'acme',
      conversationId: 'conv_1',
      channel: Channel.CHANNEL_EMAIL,
      channelMessageId: 'msg_1.conv_1@mail.omni.invalid',
      state: DeliveryState.DELIVERY_STATE_SENT,
      reason: '',
    });
    expect(relay.mailsTo('customer-1@example.com')).toHaveLength(1);
  });

  it('marks an automatic reply Auto-Submitted: auto-replied', async () => {
    await publish(reply('2', { automatic: true, authorId: '', threading: Threading.fromPartial({}) }));
    await waitFor('a SENT status', () => statusesOf('msg_2')[0]);
    const [mail] = relay.mailsTo('customer-2@example.com');
    const parsed = mail?.parsed as ParsedMail;
    expect(header(parsed, 'auto-submitted')).toBe('auto-replied');
    // No Message-ID chosen upstream: one on the inbox's domain, stable for the message.
    expect(parsed.messageId).toBe('<msg_2@acme.test>');
    expect(statusesOf('msg_2')[0]?.value.channelMessageId).toBe('msg_2@acme.test');
    // No customer Thread-Index: a new 22-byte header block.
    expect(Buffer.from(header(parsed, 'thread-index') ?? '', 'base64')).toHaveLength(22);
    expect(header(parsed, 'thread-topic')).toBe('My order 42');
  });

  it('cannot be made to add headers through CR/LF in the subject or names', async () => {
    await publish(
      reply('3', {
        subject: 'Hi\r\nBcc: evil@x',
        recipient: {
          identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'customer-3@example.com' },
          displayName: 'Jane\r\nCc: evil@y',
        },
        threading: Threading.fromPartial({ threadTopic: 'T\nX-Injected: 1' }),
      }),
    );
    await waitFor('a SENT status', () => statusesOf('msg_3')[0]);
    const [mail] = relay.mailsTo('customer-3@example.com');
    const parsed = mail?.parsed as ParsedMail;
    expect(mail?.to).toEqual(['customer-3@example.com']);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('cc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(mail?.raw).not.toMatch(/^(Bcc|Cc|X-Injected):/im);
    expect(parsed.subject).toBe('Hi Bcc: evil@x');
    expect(relay.mails.some((m) => m.to.some((to) => to.startsWith('evil')))).toBe(false);
  });

  it('retries a relay that answers 451 and then delivers once', async () => {
    relay.script('customer-4@example.com', [
      '451 4.7.1 Greylisted, try again later',
      '451 4.7.1 Greylisted, try again later',
    ]);
    await publish(reply('4'));
    const sent = await waitFor('a SENT status', () => statusesOf('msg_4')[0]);
    expect(sent.value.state).toBe(DeliveryState.DELIVERY_STATE_SENT);
    expect(relay.rcptAttempts.get('customer-4@example.com')).toBe(3);
    expect(relay.mailsTo('customer-4@example.com')).toHaveLength(1);
  });

  it('holds a reply through a longer relay outage (consumer retry) and sends it once the relay recovers', async () => {
    // More deferrals than one handler call tries (5): the batch goes back to the consumer, uncommitted.
    relay.script(
      'customer-8@example.com',
      Array.from({ length: 7 }, () => '421 4.3.2 Service shutting down'),
    );
    await publish(reply('8'));
    const sent = await waitFor('a SENT status', () => statusesOf('msg_8')[0], { timeoutMs: 40_000 });
    expect(sent.value.state).toBe(DeliveryState.DELIVERY_STATE_SENT);
    expect(relay.rcptAttempts.get('customer-8@example.com')).toBe(8);
    expect(relay.mailsTo('customer-8@example.com')).toHaveLength(1);
    expect(statusesOf('msg_8')).toHaveLength(1);
  }, 60_000);

  it("reports a 550 as FAILED with the relay's reason, without retrying", async () => {
    relay.script('customer-5@example.com', ['550 5.1.1 No such user here']);
    // A second reply in the same conversation (same partition) shows the consumer has moved past the first.
    await publish(reply('5'), reply('5b', { conversationId: 'conv_5', recipient: reply('5').recipient }));
    const failed = await waitFor('a FAILED status', () => statusesOf('msg_5')[0]);
    await waitFor('the next reply in the conversation', () => statusesOf('msg_5b')[0]);
    expect(failed.value.state).toBe(DeliveryState.DELIVERY_STATE_FAILED);
    expect(failed.value.reason).toContain('550 5.1.1 No such user here');
    expect(failed.value.retryable).toBe(false);
    expect(failed.value.channelMessageId).toBe('msg_5.conv_5@mail.omni.invalid');
    expect(relay.rcptAttempts.get('customer-5@example.com')).toBe(2); // one for each reply
    expect(statusesOf('msg_5')).toHaveLength(1);
    expect(statusesOf('msg_5b')[0]?.value.state).toBe(DeliveryState.DELIVERY_STATE_SENT);
  });

  it('sends a message consumed twice only once and repeats the same SENT status', async () => {
    const message = reply('6');
    await publish(message);
    await waitFor('the first SENT status', () => statusesOf('msg_6')[0]);
    await publish(message);
    const [first, second] = await waitFor(
      'the repeated SENT status',
      () => statusesOf('msg_6').length >= 2 && statusesOf('msg_6'),
    );
    expect(second?.eventId).toBe(first?.eventId);
    expect(second?.value).toEqual(first?.value);
    expect(relay.mailsTo('customer-6@example.com')).toHaveLength(1);
    expect(relay.rcptAttempts.get('customer-6@example.com')).toBe(1);
  });

  it('leaves other channels to ingest-social and fails an unknown inbox', async () => {
    await publish(
      reply('7', { channel: Channel.CHANNEL_WHATSAPP, conversationId: 'conv_7' }),
      reply('7b', { conversationId: 'conv_7', inboxId: 'no-such-inbox' }),
      reply('7c', { conversationId: 'conv_7' }),
    );
    await waitFor('the last reply of the conversation', () => statusesOf('msg_7c')[0]);
    expect(statusesOf('msg_7')).toHaveLength(0);
    expect(relay.mailsTo('customer-7@example.com')).toHaveLength(0);
    const unknown = statusesOf('msg_7b')[0];
    expect(unknown?.value.state).toBe(DeliveryState.DELIVERY_STATE_FAILED);
    expect(unknown?.value.reason).toMatch(/unknown email inbox "no-such-inbox"/);
    expect(relay.mailsTo('customer-7b@example.com')).toHaveLength(0);
    expect(relay.mailsTo('customer-7c@example.com')).toHaveLength(1);
  });

  it('attaches the files of a reply, streamed from the blob store, inline ones by Content-ID', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300 * 1024)]);
    const logo = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const [pdfRef, logoRef] = [
      await blobs.put(pdf, { contentType: 'application/pdf', filename: 'invoice.pdf' }),
      await blobs.put(logo, { contentType: 'image/png', filename: 'logo.png' }),
    ];
    await publish(
      reply('att', {
        html: '<p>Your invoice <img src="cid:logo-1@acme.test"></p>',
        attachments: [
          { blob: pdfRef, filename: 'invoice 42.pdf', contentId: '', inline: false, sourceUrl: '' },
          { blob: logoRef, filename: 'logo.png', contentId: 'logo-1@acme.test', inline: true, sourceUrl: '' },
        ],
      }),
    );
    const [mail] = await waitFor(
      'the mail with attachments at the relay',
      () => relay.mailsTo('customer-att@example.com').length > 0 && relay.mailsTo('customer-att@example.com'),
    );
    const parsed = mail?.parsed as ParsedMail;
    const byName = new Map(parsed.attachments.map((a) => [a.filename, a]));
    expect(byName.get('invoice 42.pdf')).toMatchObject({
      contentType: 'application/pdf',
      contentDisposition: 'attachment',
    });
    expect(byName.get('invoice 42.pdf')?.content.equals(pdf)).toBe(true);
    expect(byName.get('logo.png')).toMatchObject({ contentType: 'image/png', cid: 'logo-1@acme.test' });
    expect(byName.get('logo.png')?.content.equals(logo)).toBe(true);
    expect((await waitFor('a SENT status', () => statusesOf('msg_att')[0])).value.state).toBe(
      DeliveryState.DELIVERY_STATE_SENT,
    );
  });

  it('fails a reply whose attachment content is missing, without sending it', async () => {
    const missing = { blobId: 'sha256:0000', sha256: '0000', size: 1, contentType: 'application/pdf' };
    await publish(
      reply('att-missing', {
        attachments: [{ blob: missing, filename: 'gone.pdf', contentId: '', inline: false, sourceUrl: '' }],
      }),
    );
    const failed = await waitFor('a FAILED status', () => statusesOf('msg_att-missing')[0]);
    expect(failed.value).toMatchObject({ state: DeliveryState.DELIVERY_STATE_FAILED });
    expect(failed.value.reason).toMatch(/attachment content is missing/);
    expect(relay.mailsTo('customer-att-missing@example.com')).toHaveLength(0);
  });
});
