import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Channel, ContentKind, DeliveryState, deterministicId, IdentityKind } from '@omni/contracts';
import { createTestScope, waitFor } from '@omni/testing';
import { hubSignature } from '../src/domain/webhook-signature';
import { type IngestSocial, startIngestSocial } from '../src/service';
import { FakePlatform } from './fixtures/fake-platform';
import {
  BOT_TOKEN,
  IG_ID,
  KafkaProbe,
  PAGE_ID,
  postSigned,
  SECRETS,
  TENANT,
  whatsappBody,
  writeChannelsFile,
} from './fixtures/social-harness';

const scope = createTestScope('social-inbound');
const platform = new FakePlatform();
let service: IngestSocial;
let probe: KafkaProbe;
let base = '';
const WAIT = { timeoutMs: 30_000 };

function messengerBody(messaging: unknown[], object = 'page', entryId = PAGE_ID): string {
  return JSON.stringify({ object, entry: [{ id: entryId, time: 1767225600000, messaging }] });
}

function textEvent(mid: string, text: string, sender = 'psid-1') {
  return { sender: { id: sender }, recipient: { id: PAGE_ID }, timestamp: 1767225600000, message: { mid, text } };
}

function postTelegram(update: unknown, secret = SECRETS.telegram.secretToken, inboxId = 'tg-bot') {
  return fetch(`${base}/webhooks/telegram/${inboxId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
}

/** POSTs a body and resolves with the status, even when the server answers before it read everything. */
function statusOfUpload(path: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    // An early answer may reset the upload: only a failure without any answer is an error.
    req.on('error', (error) => setTimeout(() => reject(error), 1_000));
    req.end(body);
  });
}

/** A counter's value from /metrics, matched by name and labels whatever other labels it carries. */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const found = text.split('\n').find((l) => l.startsWith(`${name}{`) && pairs.every((p) => l.includes(p)));
  return found ? Number(found.split(' ').pop()) : 0;
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
      ATTACHMENT_MAX_BYTES: '4096',
      ATTACHMENT_TIMEOUT_MS: '1500',
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

describe('Messenger and Instagram webhooks', () => {
  it('publishes each message with the contract fields, its attachment in the blob store, and skips echoes', async () => {
    const image = Buffer.from('fake-jpeg-bytes');
    platform.files.set('/cdn/photo.jpg', { contentType: 'image/jpeg', bytes: image });
    const body = messengerBody([
      {
        sender: { id: 'psid-1' },
        recipient: { id: PAGE_ID },
        timestamp: 1767225600123,
        message: {
          mid: 'm_text',
          text: 'Bonjour, café? مرحبا',
          reply_to: { mid: 'm_earlier' },
          quick_reply: { payload: 'ORDER' },
        },
      },
      {
        sender: { id: 'psid-1' },
        recipient: { id: PAGE_ID },
        timestamp: 1767225600456,
        message: {
          mid: 'm_image',
          attachments: [{ type: 'image', payload: { url: `${platform.baseUrl}/cdn/photo.jpg` } }],
        },
      },
      {
        sender: { id: PAGE_ID },
        recipient: { id: 'psid-1' },
        timestamp: 1767225600789,
        message: { mid: 'm_echo', is_echo: true, text: 'ours' },
      },
    ]);
    const response = await postSigned(base, '/webhooks/meta', body, SECRETS.messenger.appSecret);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 2, statuses: 0, echoes: 1 });

    const [text] = await waitFor(
      'the text message',
      () => probe.inboundWithChannelId('m_text').length > 0 && probe.inboundWithChannelId('m_text'),
      WAIT,
    );
    const id = deterministicId('msg', TENANT, 'messenger', 'm_text');
    expect(text?.eventId).toBe(id);
    expect(text?.key).toBe(`${TENANT}:messenger:psid-1`);
    expect(text?.value).toMatchObject({
      id,
      tenantId: TENANT,
      inboxId: 'fb-page',
      channel: Channel.CHANNEL_MESSENGER,
      channelMessageId: 'm_text',
      sender: { identity: { kind: IdentityKind.IDENTITY_KIND_MESSENGER_PSID, value: 'psid-1' } },
      text: 'Bonjour, café? مرحبا',
      sentAt: new Date(1767225600123),
      threading: expect.objectContaining({ replyToChannelMessageId: 'm_earlier' }),
      contentKind: ContentKind.CONTENT_KIND_INTERACTIVE,
      channelMetadata: { quick_reply_payload: 'ORDER' },
    });
    expect(text?.value.raw?.sha256).toBe(createHash('sha256').update(body).digest('hex'));

    const [media] = await waitFor(
      'the image message',
      () => probe.inboundWithChannelId('m_image').length > 0 && probe.inboundWithChannelId('m_image'),
      WAIT,
    );
    expect(media?.value.contentKind).toBe(ContentKind.CONTENT_KIND_MEDIA);
    expect(media?.value.attachments).toHaveLength(1);
    expect(media?.value.attachments[0]).toMatchObject({
      sourceUrl: `${platform.baseUrl}/cdn/photo.jpg`,
      blob: { sha256: createHash('sha256').update(image).digest('hex'), size: image.length, contentType: 'image/jpeg' },
    });
    expect(media?.value.parseProblems).toEqual([]);
    expect(probe.inboundWithChannelId('m_echo')).toEqual([]);
    expect(await metric('social_webhook_events_total', { channel: 'messenger', outcome: 'echo' })).toBe(1);
  });

  it('keeps a message whose attachment host is not allowed, with a parse problem and the source URL', async () => {
    const url = 'https://evil.example.com/steal.jpg';
    const body = messengerBody([
      {
        sender: { id: 'psid-2' },
        recipient: { id: PAGE_ID },
        timestamp: 1767225601000,
        message: { mid: 'm_evil', attachments: [{ type: 'image', payload: { url } }] },
      },
    ]);
    expect((await postSigned(base, '/webhooks/meta', body, SECRETS.messenger.appSecret)).status).toBe(200);
    const [event] = await waitFor(
      'the message',
      () => probe.inboundWithChannelId('m_evil').length > 0 && probe.inboundWithChannelId('m_evil'),
      WAIT,
    );
    expect(event?.value.attachments).toEqual([expect.objectContaining({ sourceUrl: url, blob: undefined })]);
    expect(event?.value.parseProblems).toEqual([
      { code: 'attachment_fetch_failed', detail: expect.stringContaining('allowlist') },
    ]);
  });

  it('keeps messages whose attachment is too large (declared or streamed) or too slow, with parse problems', async () => {
    const big = Buffer.alloc(5000, 0x62);
    platform.files.set('/cdn/declared.bin', { contentType: 'application/pdf', bytes: big });
    platform.files.set('/cdn/streamed.bin', { contentType: 'application/pdf', bytes: big, unsized: true });
    platform.files.set('/cdn/slow.bin', { contentType: 'application/pdf', bytes: big, hang: true });
    const attachment = (name: string) => ({ type: 'file', payload: { url: `${platform.baseUrl}/cdn/${name}` } });
    const body = messengerBody([
      {
        sender: { id: 'psid-3' },
        recipient: { id: PAGE_ID },
        timestamp: 1767225601500,
        message: {
          mid: 'm_big',
          attachments: [attachment('declared.bin'), attachment('streamed.bin'), attachment('slow.bin')],
        },
      },
    ]);
    expect((await postSigned(base, '/webhooks/meta', body, SECRETS.messenger.appSecret)).status).toBe(200);
    const [event] = await waitFor(
      'the message',
      () => probe.inboundWithChannelId('m_big').length > 0 && probe.inboundWithChannelId('m_big'),
      WAIT,
    );
    expect(event?.value.attachments.map((a) => a.blob)).toEqual([undefined, undefined, undefined]);
    expect(event?.value.parseProblems.map((p) => p.detail)).toEqual([
      expect.stringMatching(/declared\.bin: .*exceeds 4096/),
      expect.stringMatching(/streamed\.bin: .*exceeds 4096/),
      expect.stringMatching(/slow\.bin: .*(timeout|aborted)/i),
    ]);
  });

  it('publishes Instagram messages with the Instagram-scoped id, and unknown event types as placeholders', async () => {
    const body = messengerBody(
      [
        {
          sender: { id: 'igsid-9' },
          recipient: { id: IG_ID },
          timestamp: 1767225602000,
          message: { mid: 'ig_mid_1', text: 'hi from insta' },
        },
        {
          sender: { id: 'igsid-9' },
          recipient: { id: IG_ID },
          timestamp: 1767225603000,
          reaction: { mid: 'ig_mid_1', action: 'react', emoji: '❤' },
        },
      ],
      'instagram',
      IG_ID,
    );
    expect((await postSigned(base, '/webhooks/meta', body, SECRETS.instagram.appSecret)).status).toBe(200);
    const [event] = await waitFor(
      'the IG message',
      () => probe.inboundWithChannelId('ig_mid_1').length > 0 && probe.inboundWithChannelId('ig_mid_1'),
      WAIT,
    );
    expect(event?.value).toMatchObject({
      channel: Channel.CHANNEL_INSTAGRAM,
      inboxId: 'ig-account',
      sender: { identity: { kind: IdentityKind.IDENTITY_KIND_INSTAGRAM_SCOPED_ID, value: 'igsid-9' } },
      text: 'hi from insta',
      contentKind: ContentKind.CONTENT_KIND_TEXT,
    });
    const reaction = await waitFor(
      'the reaction placeholder',
      () =>
        probe.inbound.find(
          (e) => e.value.channel === Channel.CHANNEL_INSTAGRAM && e.value.channelContentType === 'reaction',
        ),
      WAIT,
    );
    expect(reaction.value.contentKind).toBe(ContentKind.CONTENT_KIND_UNSUPPORTED);
  });

  it('reports Messenger delivery events as DELIVERED statuses keyed by mid', async () => {
    const body = messengerBody([
      {
        sender: { id: 'psid-1' },
        recipient: { id: PAGE_ID },
        timestamp: 1767225609000,
        delivery: { mids: ['m_sent_ours'], watermark: 1767225608000 },
      },
    ]);
    expect((await postSigned(base, '/webhooks/meta', body, SECRETS.messenger.appSecret)).status).toBe(200);
    const status = await waitFor(
      'the status',
      () => probe.delivery.find((d) => d.value.channelMessageId === 'm_sent_ours'),
      WAIT,
    );
    expect(status.value).toMatchObject({
      id: deterministicId('dlv', TENANT, 'm_sent_ours', 'delivered'),
      messageId: '',
      channel: Channel.CHANNEL_MESSENGER,
      state: DeliveryState.DELIVERY_STATE_DELIVERED,
      occurredAt: new Date(1767225608000),
    });
  });

  it('answers the same webhook delivered five times at once with five 200s and one message id', async () => {
    const body = messengerBody([textEvent('m_dup', 'again and again')]);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postSigned(base, '/webhooks/meta', body, SECRETS.messenger.appSecret)),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const events = await waitFor(
      'all five publications',
      () => probe.inboundWithChannelId('m_dup').length >= 5 && probe.inboundWithChannelId('m_dup'),
      WAIT,
    );
    expect(new Set(events.map((e) => e.value.id))).toEqual(
      new Set([deterministicId('msg', TENANT, 'messenger', 'm_dup')]),
    );
  });

  it('answers an unknown object 200 without producing anything, and counts it', async () => {
    const body = JSON.stringify({ object: 'permissions', entry: [{ id: PAGE_ID, changes: [] }] });
    const response = await postSigned(base, '/webhooks/meta', body, SECRETS.messenger.appSecret);
    expect(response.status).toBe(200);
    expect(await metric('social_webhook_events_total', { channel: 'meta', outcome: 'unknown_object' })).toBe(1);
  });
});

describe('hostile webhooks', () => {
  async function expectNothingFrom(mid: string, marker: string) {
    // A valid webhook sent after the hostile one: once it is out, the hostile one would have been too.
    const ok = await postSigned(
      base,
      '/webhooks/meta',
      messengerBody([textEvent(marker, 'marker')]),
      SECRETS.messenger.appSecret,
    );
    expect(ok.status).toBe(200);
    await waitFor('the marker', () => probe.inboundWithChannelId(marker).length > 0, WAIT);
    expect(probe.inboundWithChannelId(mid)).toEqual([]);
  }

  it('refuses forged, missing and foreign signatures with 401 and produces nothing', async () => {
    const body = messengerBody([textEvent('m_forged', 'forged')]);
    const forged = await postSigned(base, '/webhooks/meta', body, 'not-the-app-secret');
    expect(forged.status).toBe(401);
    const missing = await fetch(`${base}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(missing.status).toBe(401);
    // Signed with the Instagram app's secret but naming the Messenger page.
    expect((await postSigned(base, '/webhooks/meta', body, SECRETS.instagram.appSecret)).status).toBe(401);
    await expectNothingFrom('m_forged', 'm_marker_1');
  });

  it('refuses a body re-serialized after signing', async () => {
    const original = `{"object": "page", "entry": [{"id": "${PAGE_ID}", "messaging": [{"sender": {"id": "psid-1"}, "recipient": {"id": "${PAGE_ID}"}, "timestamp": 1767225600000, "message": {"mid": "m_reserialized", "text": "caf\\u00e9 \\/ ok"}}]}]}`;
    const signature = hubSignature(original, SECRETS.messenger.appSecret);
    const reserialized = JSON.stringify(JSON.parse(original));
    const response = await fetch(`${base}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: reserialized,
    });
    expect(response.status).toBe(401);
    // The original bytes with the same signature are accepted: the check really reads the raw body.
    const accepted = await fetch(`${base}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: original,
    });
    expect(accepted.status).toBe(200);
    const [event] = await waitFor(
      'the original',
      () => probe.inboundWithChannelId('m_reserialized').length > 0 && probe.inboundWithChannelId('m_reserialized'),
      WAIT,
    );
    expect(event?.value.text).toBe('café / ok');
  });

  it('answers the subscription handshake only for a configured verify token', async () => {
    const ok = await fetch(
      `${base}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${SECRETS.instagram.verifyToken}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    const wa = await fetch(
      `${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${SECRETS.whatsapp.verifyToken}&hub.challenge=77`,
    );
    expect(await wa.text()).toBe('77');
    const wrong = await fetch(
      `${base}/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope-nope-nope&hub.challenge=1`,
    );
    expect(wrong.status).toBe(403);
    const crossed = await fetch(
      `${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${SECRETS.messenger.verifyToken}&hub.challenge=1`,
    );
    expect(crossed.status).toBe(403);
    const badMode = await fetch(
      `${base}/webhooks/meta?hub.mode=unsubscribe&hub.verify_token=${SECRETS.messenger.verifyToken}&hub.challenge=1`,
    );
    expect(badMode.status).toBe(403);
  });

  it('answers 413 to a 10 MB body, 400 to 10,000-deep JSON and to invalid UTF-8, and stays up', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x61);
    expect(
      await statusOfUpload('/webhooks/meta', huge, {
        'x-hub-signature-256': hubSignature(huge, SECRETS.messenger.appSecret),
      }),
    ).toBe(413);
    const deep = `{"object":"page","entry":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const deepResponse = await postSigned(base, '/webhooks/meta', deep, SECRETS.messenger.appSecret);
    expect(deepResponse.status).toBe(400);
    const invalid = Buffer.concat([
      Buffer.from('{"object":"page","x":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    const invalidResponse = await postSigned(base, '/webhooks/meta', invalid, SECRETS.messenger.appSecret);
    expect(invalidResponse.status).toBe(400);
    expect(((await invalidResponse.json()) as { error: { message: string } }).error.message).toMatch(/UTF-8/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const deepTelegram = await fetch(`${base}/webhooks/telegram/tg-bot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRETS.telegram.secretToken },
      body: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    });
    expect(deepTelegram.status).toBe(400);
  });
});

describe('WhatsApp webhooks', () => {
  it('publishes a text and a media message with the E.164 sender and profile name', async () => {
    platform.files.set('/cdn/media-77.jpg', { contentType: 'image/jpeg', bytes: Buffer.from('wa-image') });
    const body = whatsappBody({
      contacts: [{ profile: { name: 'Ana Lima' }, wa_id: '5511987654321' }],
      messages: [
        {
          from: '5511987654321',
          id: 'wamid.TEXT1',
          timestamp: '1767225600',
          type: 'text',
          text: { body: 'Olá!' },
          context: { from: '15550001111', id: 'wamid.OURS' },
        },
        {
          from: '5511987654321',
          id: 'wamid.IMG1',
          timestamp: '1767225601',
          type: 'image',
          image: { id: 'media-77', mime_type: 'image/jpeg', sha256: 'x', caption: 'receipt' },
        },
      ],
    });
    expect((await postSigned(base, '/webhooks/whatsapp', body, SECRETS.whatsapp.appSecret)).status).toBe(200);
    const [text] = await waitFor(
      'the text',
      () => probe.inboundWithChannelId('wamid.TEXT1').length > 0 && probe.inboundWithChannelId('wamid.TEXT1'),
      WAIT,
    );
    expect(text?.key).toBe(`${TENANT}:whatsapp:+5511987654321`);
    expect(text?.value).toMatchObject({
      id: deterministicId('msg', TENANT, 'whatsapp', 'wamid.TEXT1'),
      channel: Channel.CHANNEL_WHATSAPP,
      inboxId: 'wa-number',
      sender: {
        identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: '+5511987654321' },
        displayName: 'Ana Lima',
      },
      text: 'Olá!',
      sentAt: new Date(1767225600 * 1000),
      threading: expect.objectContaining({ replyToChannelMessageId: 'wamid.OURS' }),
    });
    const [image] = await waitFor(
      'the image',
      () => probe.inboundWithChannelId('wamid.IMG1').length > 0 && probe.inboundWithChannelId('wamid.IMG1'),
      WAIT,
    );
    expect(image?.value).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_MEDIA,
      text: 'receipt',
      parseProblems: [],
    });
    expect(image?.value.attachments[0]).toMatchObject({ sourceUrl: 'whatsapp-media:media-77', blob: { size: 8 } });
    const lookup = platform.requests.find((r) => r.path === '/v21.0/media-77');
    expect(lookup?.headers.authorization).toBe(`Bearer ${SECRETS.whatsapp.accessToken}`);
  });

  it('reports statuses as delivery events, in whatever order they come', async () => {
    const status = (id: string, name: string, ts: string) => ({
      id,
      status: name,
      timestamp: ts,
      recipient_id: '5511987654321',
    });
    for (const value of [
      { statuses: [status('wamid.OUT1', 'delivered', '1767225700')] },
      { statuses: [status('wamid.OUT1', 'read', '1767225710')] },
      { statuses: [status('wamid.OUT2', 'read', '1767225720')] },
      { statuses: [status('wamid.OUT2', 'delivered', '1767225715')] },
      {
        statuses: [
          {
            ...status('wamid.OUT3', 'failed', '1767225730'),
            errors: [{ code: 131047, title: 'Re-engagement message' }],
          },
        ],
      },
    ]) {
      expect(
        (await postSigned(base, '/webhooks/whatsapp', whatsappBody(value), SECRETS.whatsapp.appSecret)).status,
      ).toBe(200);
    }
    const statuses = await waitFor(
      'five statuses',
      () =>
        probe.delivery.filter((d) => d.value.channelMessageId.startsWith('wamid.OUT')).length === 5 && probe.delivery,
      WAIT,
    );
    const of = (wamid: string) => statuses.filter((d) => d.value.channelMessageId === wamid).map((d) => d.value);
    expect(of('wamid.OUT1').map((s) => s.state)).toEqual([
      DeliveryState.DELIVERY_STATE_DELIVERED,
      DeliveryState.DELIVERY_STATE_READ,
    ]);
    expect(of('wamid.OUT2').map((s) => s.state)).toEqual([
      DeliveryState.DELIVERY_STATE_READ,
      DeliveryState.DELIVERY_STATE_DELIVERED,
    ]);
    expect(of('wamid.OUT1')[1]).toMatchObject({
      id: deterministicId('dlv', TENANT, 'wamid.OUT1', 'read'),
      tenantId: TENANT,
      messageId: '',
      channel: Channel.CHANNEL_WHATSAPP,
      occurredAt: new Date(1767225710 * 1000),
    });
    expect(of('wamid.OUT3')[0]).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_FAILED,
      reason: 'Re-engagement message',
    });
  });

  it('refuses an unknown phone_number_id and counts it, after checking the signature', async () => {
    const body = whatsappBody(
      { messages: [{ from: '1', id: 'wamid.STRANGER', timestamp: '1', type: 'text', text: { body: 'x' } }] },
      '999999',
    );
    const response = await postSigned(base, '/webhooks/whatsapp', body, SECRETS.whatsapp.appSecret);
    expect(response.status).toBe(403);
    expect(await metric('social_webhook_events_total', { channel: 'whatsapp', outcome: 'unknown_account' })).toBe(1);
    // Without the app secret the caller cannot tell an unknown account from a forgery.
    expect((await postSigned(base, '/webhooks/whatsapp', body, 'some-other-secret')).status).toBe(401);
    expect(probe.inboundWithChannelId('wamid.STRANGER')).toEqual([]);
  });

  it('keeps unknown message types as placeholders', async () => {
    const body = whatsappBody({
      messages: [
        {
          from: '5511987654321',
          id: 'wamid.ORDER',
          timestamp: '1767225800',
          type: 'order',
          order: { catalog_id: '1' },
        },
      ],
    });
    expect((await postSigned(base, '/webhooks/whatsapp', body, SECRETS.whatsapp.appSecret)).status).toBe(200);
    const [event] = await waitFor(
      'the placeholder',
      () => probe.inboundWithChannelId('wamid.ORDER').length > 0 && probe.inboundWithChannelId('wamid.ORDER'),
      WAIT,
    );
    expect(event?.value).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
      channelContentType: 'order',
    });
  });
});

describe('Telegram webhook', () => {
  const chat = { id: 5550001, type: 'private', first_name: 'Ivan' };
  const from = { id: 5550001, is_bot: false, first_name: 'Ivan', last_name: 'Petrov', username: 'ivp' };

  it('publishes a text reply and a photo fetched through getFile', async () => {
    platform.files.set(`/file/bot${BOT_TOKEN}/photos/ph-big.jpg`, {
      contentType: 'image/jpeg',
      bytes: Buffer.from('tg-photo'),
    });
    const text = await postTelegram({
      update_id: 1000,
      message: {
        message_id: 12,
        from,
        chat,
        date: 1767225600,
        text: 'Привет',
        reply_to_message: { message_id: 11, from, chat, date: 1767225500, text: 'q' },
      },
    });
    expect(text.status).toBe(200);
    const photo = await postTelegram({
      update_id: 1001,
      message: {
        message_id: 13,
        from,
        chat,
        date: 1767225601,
        caption: 'see',
        photo: [
          { file_id: 'ph-small', width: 90 },
          { file_id: 'ph-big', width: 1280 },
        ],
      },
    });
    expect(photo.status).toBe(200);
    const [message] = await waitFor(
      'the text',
      () => probe.inboundWithChannelId('5550001:12').length > 0 && probe.inboundWithChannelId('5550001:12'),
      WAIT,
    );
    expect(message?.key).toBe(`${TENANT}:telegram:5550001`);
    expect(message?.value).toMatchObject({
      id: deterministicId('msg', TENANT, 'telegram', '5550001:12'),
      channel: Channel.CHANNEL_TELEGRAM,
      inboxId: 'tg-bot',
      sender: {
        identity: { kind: IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, value: '5550001' },
        displayName: 'Ivan Petrov',
      },
      text: 'Привет',
      sentAt: new Date(1767225600 * 1000),
      threading: expect.objectContaining({ replyToChannelMessageId: '5550001:11' }),
      channelMetadata: { chat_id: '5550001' },
    });
    const [image] = await waitFor(
      'the photo',
      () => probe.inboundWithChannelId('5550001:13').length > 0 && probe.inboundWithChannelId('5550001:13'),
      WAIT,
    );
    expect(image?.value.attachments[0]).toMatchObject({ sourceUrl: 'telegram-file:ph-big', blob: { size: 8 } });
    expect(JSON.stringify(image?.value)).not.toContain(BOT_TOKEN);
  });

  it('refuses a missing or wrong secret token, and an unknown inbox, with 403', async () => {
    const update = { update_id: 1002, message: { message_id: 14, from, chat, date: 1, text: 'x' } };
    expect((await postTelegram(update, 'wrong-secret-token')).status).toBe(403);
    expect((await postTelegram(update, '')).status).toBe(403);
    expect((await postTelegram(update, SECRETS.telegram.secretToken, 'fb-page')).status).toBe(403);
  });

  it('keeps unknown update types as placeholders', async () => {
    const response = await postTelegram({ update_id: 1003, my_chat_member: { chat, from, date: 1767225900 } });
    expect(response.status).toBe(200);
    const [event] = await waitFor(
      'the placeholder',
      () =>
        probe.inboundWithChannelId('update:424242:1003').length > 0 && probe.inboundWithChannelId('update:424242:1003'),
      WAIT,
    );
    expect(event?.value).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
      channelContentType: 'my_chat_member',
    });
  });
});
