import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { createTestScope } from '@omni/testing';
import { postmarkBodyLimit } from '../src/domain/postmark-inbound';
import { type InboundUnderTest, startInboundUnderTest } from './fixtures/inbound-service';

const scope = createTestScope('ingest-email-postmark-limit');
const MAIL_LIMIT = 1536 * 1024;
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
let under: InboundUnderTest;

/** A Postmark inbound JSON body carrying one attachment of `attachment` bytes. */
function postmarkBody(messageId: string, attachment: Buffer): string {
  return JSON.stringify({
    From: 'paula@customer.test',
    FromName: 'Paula Post',
    To: 'support@acme.test',
    ToFull: [{ Email: 'support@acme.test', Name: 'Acme Support', MailboxHash: '' }],
    Subject: 'the scan you asked for',
    MessageID: randomBytes(16).toString('hex'),
    Date: 'Fri, 20 Nov 2026 11:00:00 +0000',
    TextBody: 'Scan attached.',
    Headers: [{ Name: 'Message-ID', Value: `<${messageId}>` }],
    Attachments: [
      { Name: 'scan.bin', Content: attachment.toString('base64'), ContentType: 'application/octet-stream' },
    ],
  });
}

function post(body: string, authorization = basic('postmark:pm-secret-456')) {
  return fetch(`http://127.0.0.1:${under.service.httpPort}/webhooks/email/postmark`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body,
  });
}

beforeAll(async () => {
  under = await startInboundUnderTest(scope, {
    SMTP_MAX_MESSAGE_BYTES: String(MAIL_LIMIT),
    POSTMARK_BASIC_AUTH: 'postmark:pm-secret-456',
  });
}, 60_000);

afterAll(() => under?.stop());

test('a Postmark body above the shared 1 MB JSON limit is accepted when its mail fits the size limit', async () => {
  // Near the mail limit decoded; base64 makes the body about 1.9 MB.
  const scan = randomBytes(MAIL_LIMIT - 100 * 1024);
  const body = postmarkBody('pm-large@customer.test', scan);
  expect(body.length).toBeGreaterThan(1024 * 1024);
  const response = await post(body);
  expect(response.status).toBe(200);

  const [event] = await under.events.inboundFor('pm-large@customer.test');
  const attachment = event?.value.attachments[0];
  expect(attachment?.filename).toBe('scan.bin');
  expect((await buffer(await under.blobs.open(attachment?.blob?.blobId ?? ''))).equals(scan)).toBe(true);
  expect(event?.value.raw?.size).toBe(Buffer.byteLength(body));
});

test('a Postmark body over its limit is refused with 413 and nothing is published', async () => {
  const body = postmarkBody('pm-too-large@customer.test', randomBytes(MAIL_LIMIT + 512 * 1024));
  expect(body.length).toBeGreaterThan(postmarkBodyLimit(MAIL_LIMIT));
  const response = await post(body);
  expect(response.status).toBe(413);
  expect(await response.json()).toEqual({
    error: { code: 'payload_too_large', message: 'request entity too large' },
  });

  // Wrong credentials are refused before the large body is read, on the same footing as a small one.
  const forged = await post(postmarkBody('pm-forged-large@customer.test', randomBytes(MAIL_LIMIT)), basic('x:y'));
  expect(forged.status).toBe(401);

  // A mail accepted afterwards is published; the refused ones never were.
  expect((await post(postmarkBody('pm-after@customer.test', Buffer.from('small')))).status).toBe(200);
  await under.events.inboundFor('pm-after@customer.test');
  const refused = ['pm-too-large@customer.test', 'pm-forged-large@customer.test'];
  expect(under.events.inbound.filter((e) => refused.includes(e.value.channelMessageId))).toEqual([]);
});
