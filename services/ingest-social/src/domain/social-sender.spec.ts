import { Channel, DeliveryState, type DeliveryStatus, IdentityKind, OutboundMessage } from '@omni/contracts';
import { InboxDirectory } from './inbox-directory';
import type { PlatformRequest } from './outbound-request';
import { type SendClaim, type SendLog, SocialSender } from './social-sender';

const now = new Date('2026-03-01T12:00:00Z');
const directory = new InboxDirectory({
  tenants: [
    {
      id: 'acme',
      name: 'Acme',
      inboxes: [
        {
          id: 'fb',
          channel: 'messenger',
          accountId: '1',
          appSecret: 'secret-1234',
          verifyToken: 'verify-1234',
          pageAccessToken: 'token-1234',
        },
        { id: 'tg', channel: 'telegram', botToken: '42:ABCDEFGHIJKLMNOPQRSTUVWX', secretToken: 'secret-token' },
        {
          id: 'fb-tagged',
          channel: 'messenger',
          accountId: '2',
          appSecret: 'secret-1234',
          verifyToken: 'verify-1234',
          pageAccessToken: 'token-1234',
          outsideWindowTag: 'HUMAN_AGENT',
        },
        {
          id: 'wa-template',
          channel: 'whatsapp',
          phoneNumberId: '77',
          appSecret: 'secret-1234',
          verifyToken: 'verify-1234',
          accessToken: 'token-1234',
          outsideWindowTemplate: { name: 'support_followup', language: 'en_US' },
        },
      ],
    },
  ],
});

class MemorySendLog implements SendLog {
  readonly docs = new Map<
    string,
    { state: 'sending' | 'sent' | 'failed'; parts: string[]; id?: string; reason?: string }
  >();
  async claim(message: OutboundMessage): Promise<SendClaim> {
    const doc = this.docs.get(message.id);
    if (!doc) {
      this.docs.set(message.id, { state: 'sending', parts: [] });
      return { state: 'claimed', sentParts: [] };
    }
    if (doc.state === 'sent') return { state: 'sent', channelMessageId: doc.id ?? '', at: now };
    if (doc.state === 'failed') return { state: 'failed', reason: doc.reason ?? '', at: now };
    return { state: 'claimed', sentParts: doc.parts };
  }
  async markParts(id: string, parts: readonly string[]) {
    this.docs.set(id, { state: 'sending', parts: [...parts] });
  }
  async markSent(id: string, channelMessageId: string) {
    this.docs.set(id, { state: 'sent', parts: [], id: channelMessageId });
  }
  async markFailed(id: string, reason: string) {
    this.docs.set(id, { state: 'failed', parts: [], reason });
  }
}

function setup(lastInboundAt?: Date, answers: Array<'ok' | 'refuse' | 'throw'> = []) {
  const requests: PlatformRequest[] = [];
  const published: DeliveryStatus[] = [];
  const sends = new MemorySendLog();
  const sender = new SocialSender({
    directory,
    sends,
    windows: { lastInboundAt: async () => lastInboundAt },
    transport: {
      send: async (request) => {
        requests.push(request);
        const answer = answers.shift() ?? 'ok';
        if (answer === 'throw') throw Object.assign(new Error('platform down'), { transient: true });
        if (answer === 'refuse') return { kind: 'failed', reason: 'No matching user found' };
        return { kind: 'sent', channelMessageId: `sent-${requests.length}` };
      },
    },
    delivery: { publish: async (status) => void published.push(status) },
    endpoints: { graphBase: 'https://graph.test', graphVersion: 'v21.0', telegramBase: 'https://tg.test' },
    now: () => now,
  });
  return { sender, requests, published, sends };
}

const messenger = (extra: Partial<OutboundMessage> = {}) =>
  OutboundMessage.fromPartial({
    id: 'out-1',
    tenantId: 'acme',
    conversationId: 'c-1',
    inboxId: 'fb',
    channel: Channel.CHANNEL_MESSENGER,
    recipient: { identity: { kind: IdentityKind.IDENTITY_KIND_MESSENGER_PSID, value: 'psid' }, displayName: '' },
    text: 'hello',
    ...extra,
  });

describe('SocialSender', () => {
  it('sends inside the window and reports SENT once, even when redelivered', async () => {
    const { sender, requests, published } = setup(new Date(now.getTime() - 60_000));
    const first = await sender.deliver(messenger());
    const again = await sender.deliver(messenger());
    expect(requests).toHaveLength(1);
    expect(first).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_SENT,
      channelMessageId: 'sent-1',
      messageId: 'out-1',
    });
    expect(again?.id).toBe(first?.id);
    expect(published).toHaveLength(2);
  });

  it('fails outside the window without calling the platform, and a tag lifts the window', async () => {
    const old = new Date(now.getTime() - 25 * 60 * 60 * 1000);
    const { sender, requests } = setup(old);
    expect(await sender.deliver(messenger())).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_FAILED,
      reason: 'outside the 24-hour customer service window',
    });
    expect(requests).toHaveLength(0);
    expect(await sender.deliver(messenger({ id: 'out-2', messageTag: 'HUMAN_AGENT' }))).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_SENT,
    });
  });

  it("past the window uses the inbox's configured tag or template, and only then", async () => {
    const old = new Date(now.getTime() - 25 * 60 * 60 * 1000);
    const { sender, requests } = setup(old);
    expect(await sender.deliver(messenger({ inboxId: 'fb-tagged' }))).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_SENT,
    });
    expect(requests[0]?.body).toEqual({
      recipient: { id: 'psid' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'hello' },
    });
    const whatsapp = messenger({
      id: 'out-wa',
      inboxId: 'wa-template',
      channel: Channel.CHANNEL_WHATSAPP,
      recipient: { identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: '+15550002222' }, displayName: '' },
      text: 'Your parcel left today.',
    });
    expect(await sender.deliver(whatsapp)).toMatchObject({ state: DeliveryState.DELIVERY_STATE_SENT });
    expect(requests[1]?.body).toEqual({
      messaging_product: 'whatsapp',
      to: '15550002222',
      type: 'template',
      template: {
        name: 'support_followup',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Your parcel left today.' }] }],
      },
    });
    // Inside the window the same inbox sends plain text.
    const recent = setup(new Date(now.getTime() - 60_000));
    await recent.sender.deliver(whatsapp);
    expect(recent.requests[0]?.body).toMatchObject({ type: 'text', text: { body: 'Your parcel left today.' } });
  });

  it('reports a refusal as FAILED with the platform reason, and a redelivery does not retry it', async () => {
    const { sender, requests } = setup(now, ['refuse']);
    expect(await sender.deliver(messenger())).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_FAILED,
      reason: 'No matching user found',
    });
    expect(await sender.deliver(messenger())).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_FAILED,
      reason: 'No matching user found',
    });
    expect(requests).toHaveLength(1);
  });

  it('continues a split reply after the parts already sent when a transient failure interrupted it', async () => {
    const { sender, requests } = setup(undefined, ['ok', 'throw', 'ok']);
    const long = OutboundMessage.fromPartial({
      id: 'out-tg',
      tenantId: 'acme',
      inboxId: 'tg',
      channel: Channel.CHANNEL_TELEGRAM,
      recipient: { identity: { kind: IdentityKind.IDENTITY_KIND_TELEGRAM_USER_ID, value: '7' }, displayName: '' },
      text: `${'a'.repeat(4000)}\n${'b'.repeat(100)}`,
    });
    await expect(sender.deliver(long)).rejects.toThrow('platform down');
    const status = await sender.deliver(long);
    expect(requests.map((r) => (r.body.text as string)[0])).toEqual(['a', 'b', 'b']);
    expect(status).toMatchObject({ state: DeliveryState.DELIVERY_STATE_SENT, channelMessageId: 'sent-1' });
  });

  it('ignores other channels and fails replies naming an inbox of another channel or tenant', async () => {
    const { sender, published } = setup(now);
    expect(await sender.deliver(messenger({ channel: Channel.CHANNEL_EMAIL }))).toBeUndefined();
    expect(await sender.deliver(messenger({ inboxId: 'tg' }))).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_FAILED,
    });
    expect(await sender.deliver(messenger({ tenantId: 'globex' }))).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_FAILED,
    });
    expect(published).toHaveLength(2);
  });
});
