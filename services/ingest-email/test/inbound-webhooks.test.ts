import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { GridFsBlobStore } from '@omni/blob-store';
import { deterministicId } from '@omni/contracts';
import { createTestScope } from '@omni/testing';
import type { MongoClient } from 'mongodb';
import { signMailgun } from '../src/domain/mailgun-signature';
import type { IngestEmail } from '../src/service';
import type { PublishedEvents } from './fixtures/inbound-harness';
import { type InboundUnderTest, startInboundUnderTest } from './fixtures/inbound-service';

const scope = createTestScope('ingest-email-webhooks');
const MAILGUN_KEY = 'mailgun-signing-key-for-tests';
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
const SENDGRID = basic('sendgrid:sg-secret-123');
const POSTMARK = basic('postmark:pm-secret-456');
let under: InboundUnderTest;
let service: IngestEmail;
let events: PublishedEvents;
let mongo: MongoClient;

const url = (provider: string) => `http://127.0.0.1:${service.httpPort}/webhooks/email/${provider}`;
const msgId = (channelMessageId: string) => deterministicId('msg', 'acme', 'email', channelMessageId);

function mail(messageId: string, subject = 'webhook mail'): string {
  return [
    'From: "Wendy Web" <Wendy@Customer.test>',
    'To: support@acme.test',
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    'Date: Fri, 20 Nov 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello from a webhook.',
    '',
  ].join('\r\n');
}

function mailgunForm(raw: string, overrides: Record<string, string> = {}): FormData {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = randomBytes(25).toString('hex');
  const form = new FormData();
  const fields: Record<string, string> = {
    recipient: 'support@acme.test',
    sender: 'wendy@customer.test',
    timestamp,
    token,
    signature: signMailgun(MAILGUN_KEY, timestamp, token),
    ...overrides,
  };
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('body-mime', raw);
  return form;
}

async function post(provider: string, body: FormData | URLSearchParams | string, headers: Record<string, string> = {}) {
  const response = await fetch(url(provider), { method: 'POST', body, headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** A refused request published nothing: a later accepted mail arrives, the refused one never did. */
async function expectNothingPublishedFor(channelMessageId: string): Promise<void> {
  const marker = `marker-${randomBytes(6).toString('hex')}@customer.test`;
  expect((await post('mailgun', mailgunForm(mail(marker)))).status).toBe(200);
  await events.inboundFor(marker);
  expect(events.inbound.filter((e) => e.value.channelMessageId === channelMessageId)).toEqual([]);
}

beforeAll(async () => {
  under = await startInboundUnderTest(scope, {
    SMTP_MAX_MESSAGE_BYTES: String(128 * 1024),
    MAILGUN_SIGNING_KEY: MAILGUN_KEY,
    SENDGRID_BASIC_AUTH: 'sendgrid:sg-secret-123',
    POSTMARK_BASIC_AUTH: 'postmark:pm-secret-456',
  });
  ({ service, events, mongo } = under);
}, 60_000);

afterAll(() => under?.stop());

describe('Mailgun', () => {
  test('a signed multipart webhook is published through the same ingest path', async () => {
    const response = await post('mailgun', mailgunForm(mail('mg-1@customer.test')));
    expect(response).toMatchObject({ status: 200, body: { accepted: [msgId('mg-1@customer.test')] } });

    const [event] = await events.inboundFor('mg-1@customer.test');
    expect(event?.value).toMatchObject({
      tenantId: 'acme',
      inboxId: 'support',
      subject: 'webhook mail',
      sender: { identity: { value: 'wendy@customer.test' }, displayName: 'Wendy Web' },
      channelMetadata: { provider: 'mailgun' },
    });
    expect(event?.value.text.trim()).toBe('Hello from a webhook.');
  });

  test('a signed urlencoded webhook is accepted too', async () => {
    const form = mailgunForm(mail('mg-urlencoded@customer.test'));
    const body = new URLSearchParams([...form.entries()].map(([k, v]): [string, string] => [k, String(v)]));
    expect((await post('mailgun', body)).status).toBe(200);
    await events.inboundFor('mg-urlencoded@customer.test');
  });

  test('a forged or missing signature is refused with 401 and nothing is published', async () => {
    const forged = await post('mailgun', mailgunForm(mail('mg-forged@customer.test'), { signature: 'ab'.repeat(32) }));
    expect(forged).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'invalid Mailgun signature' } },
    });
    const form = mailgunForm(mail('mg-forged@customer.test'));
    form.delete('signature');
    expect((await post('mailgun', form)).status).toBe(401);
    await expectNothingPublishedFor('mg-forged@customer.test');
  });

  test('a stale timestamp and a replayed token are refused with 403', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const stale = await post(
      'mailgun',
      mailgunForm(mail('mg-stale@customer.test'), {
        timestamp: old,
        token: 'tok-stale',
        signature: signMailgun(MAILGUN_KEY, old, 'tok-stale'),
      }),
    );
    expect(stale).toMatchObject({ status: 403, body: { error: { code: 'permission_denied' } } });

    const form = mailgunForm(mail('mg-replay@customer.test'));
    expect((await post('mailgun', form)).status).toBe(200);
    const replay = await post('mailgun', form);
    expect(replay).toMatchObject({ status: 403, body: { error: { message: 'Mailgun token was used before' } } });
    await expectNothingPublishedFor('mg-stale@customer.test');
    expect(await events.inboundFor('mg-replay@customer.test')).toHaveLength(1);
  });
});

describe('SendGrid Inbound Parse (raw)', () => {
  test('the raw MIME of the email field is published, recipients from the envelope', async () => {
    const form = new FormData();
    form.set('email', mail('sg-1@customer.test', 'via sendgrid'));
    form.set('envelope', JSON.stringify({ to: ['support+c_abcdefgh12345678@acme.test'], from: 'wendy@customer.test' }));
    const response = await post('sendgrid', form, { authorization: SENDGRID });
    expect(response).toMatchObject({ status: 200, body: { accepted: [msgId('sg-1@customer.test')] } });

    const [event] = await events.inboundFor('sg-1@customer.test');
    expect(event?.value.channelMetadata).toEqual({ provider: 'sendgrid' });
    expect(event?.value.threading?.conversationToken).toBe('abcdefgh12345678');
  });

  test('wrong or missing credentials are refused with 401 and nothing is published', async () => {
    const form = new FormData();
    form.set('email', mail('sg-forged@customer.test'));
    expect((await post('sendgrid', form, { authorization: basic('sendgrid:wrong-password') })).status).toBe(401);
    const missing = await post('sendgrid', form);
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    await expectNothingPublishedFor('sg-forged@customer.test');
  });

  test('a body above the limit is refused with 413', async () => {
    const form = new FormData();
    form.set('email', mail('sg-big@customer.test') + 'x'.repeat(200 * 1024));
    const response = await post('sendgrid', form, { authorization: SENDGRID });
    expect(response).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});

describe('Postmark inbound JSON', () => {
  const pdf = Buffer.from('%PDF-1.4 postmark attachment');
  const payload = {
    From: 'Paula@Customer.test',
    FromName: 'Paula Post',
    FromFull: { Email: 'Paula@Customer.test', Name: 'Paula Post', MailboxHash: '' },
    To: 'support@acme.test',
    ToFull: [
      { Email: 'support+c_zyxwvuts98765432@acme.test', Name: 'Acme Support', MailboxHash: 'c_zyxwvuts98765432' },
    ],
    CcFull: [],
    OriginalRecipient: 'support+c_zyxwvuts98765432@acme.test',
    Subject: 'Re: your invoice',
    MessageID: '22c74902-a0c1-4511-804f-341342852c90',
    Date: 'Fri, 20 Nov 2026 11:00:00 +0000',
    TextBody: 'Got it, thanks.\n\nOn Thu, Nov 19, 2026 Acme wrote:\n> invoice attached',
    HtmlBody: '<p>Got it, thanks.</p>',
    StrippedTextReply: 'Got it, thanks.',
    Headers: [
      { Name: 'Message-ID', Value: '<pm-1@customer.test>' },
      { Name: 'In-Reply-To', Value: '<msg_x.conv_y@mail.omni.invalid>' },
      { Name: 'References', Value: '<root@customer.test> <msg_x.conv_y@mail.omni.invalid>' },
    ],
    Attachments: [
      {
        Name: 'receipt.pdf',
        Content: pdf.toString('base64'),
        ContentType: 'application/pdf',
        ContentLength: pdf.length,
        ContentID: '',
      },
    ],
  };

  test('the JSON is rebuilt into the inbound message and kept as the raw blob', async () => {
    const response = await post('postmark', JSON.stringify(payload), {
      authorization: POSTMARK,
      'content-type': 'application/json',
    });
    expect(response).toMatchObject({ status: 200, body: { accepted: [msgId('pm-1@customer.test')] } });

    const [event] = await events.inboundFor('pm-1@customer.test');
    const m = event?.value;
    expect(m).toMatchObject({
      inboxId: 'support',
      sender: { identity: { value: 'paula@customer.test' }, displayName: 'Paula Post' },
      subject: 'Re: your invoice',
      replyText: 'Got it, thanks.',
      html: '<p>Got it, thanks.</p>',
      threading: {
        messageIdHeader: 'pm-1@customer.test',
        inReplyTo: 'msg_x.conv_y@mail.omni.invalid',
        references: ['root@customer.test', 'msg_x.conv_y@mail.omni.invalid'],
        conversationToken: 'zyxwvuts98765432',
      },
      channelMetadata: { provider: 'postmark', postmark_message_id: '22c74902-a0c1-4511-804f-341342852c90' },
    });
    expect(m?.sentAt).toEqual(new Date('2026-11-20T11:00:00Z'));
    const blobs = new GridFsBlobStore({ db: mongo.db(`${scope.dbName}_blobs`) });
    expect(await buffer(await blobs.open(m?.attachments[0]?.blob?.blobId ?? ''))).toEqual(pdf);
    expect(m?.raw?.contentType).toBe('application/json');
    const raw = JSON.parse((await buffer(await blobs.open(m?.raw?.blobId ?? ''))).toString()) as typeof payload;
    expect(raw.MessageID).toBe(payload.MessageID);
  });

  test('wrong credentials are refused with 401 and nothing is published', async () => {
    const forged = { ...payload, Headers: [{ Name: 'Message-ID', Value: '<pm-forged@customer.test>' }] };
    const response = await post('postmark', JSON.stringify(forged), {
      authorization: basic('postmark:not-the-secret'),
      'content-type': 'application/json',
    });
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    await expectNothingPublishedFor('pm-forged@customer.test');
  });
});
