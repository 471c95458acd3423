import { status as GrpcStatus } from '@grpc/grpc-js';
import { hashApiKey, revokeApiKey } from '@omni/auth';
import {
  Channel,
  ConversationStatus,
  DeliveryState,
  DeliveryStatus,
  deterministicId,
  IdentityKind,
  type InboundMessage,
  MessageDirection,
  ThreadRule,
} from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { api, type Harness, mail, startHarness } from './conversation-harness';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness('conv-replies');
  key = await h.keyFor('acme');
});

afterAll(async () => {
  await h?.close();
});

async function conversationWith(first: InboundMessage): Promise<string> {
  await h.publishInbound(first);
  return h.conversationOf(first);
}

async function messageIn(conversationId: string, id: string) {
  const { messages } = await api(h.client, key).listMessages({ conversationId });
  return messages.find((m) => m.id === id);
}

async function publishDelivery(status: Partial<DeliveryStatus>) {
  const value = DeliveryStatus.fromPartial({
    tenantId: 'acme',
    channel: Channel.CHANNEL_EMAIL,
    occurredAt: new Date(),
    ...status,
  });
  await h.publishDelivery(value);
}

test('a reply is stored QUEUED, published per the email contract, then follows SENT and a DSN FAILED', async () => {
  const first = mail({
    from: 'maria@example.com',
    messageId: 'm1@example.com',
    subject: 'AW: Delivery date',
    references: ['root@example.com'],
  });
  const conversationId = await conversationWith(first);
  const { message } = await api(h.client, key).sendReply({
    conversationId,
    text: 'It ships tomorrow.',
    html: '<p>It ships tomorrow.</p>',
    authorId: 'agent-7',
    authorName: 'Sam',
  });
  expect(message).toMatchObject({
    conversationId,
    direction: MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
    deliveryState: DeliveryState.DELIVERY_STATE_QUEUED,
    channel: Channel.CHANNEL_EMAIL,
  });
  const replyId = message?.id as string;
  const messageIdHeader = `${replyId}.${conversationId}@mail.omni.invalid`;
  const stored = await api(h.client, key).getConversation({ conversationId });
  const token = (
    await h.service.runtime.store
      .collection<{ _id: string; token: string }>('conversations')
      .findOne({ _id: conversationId })
  )?.token;

  const outbound = await waitFor('outbound message', () => h.outbound.find((m) => m.id === replyId));
  expect(outbound).toMatchObject({
    tenantId: 'acme',
    conversationId,
    inboxId: 'support',
    channel: Channel.CHANNEL_EMAIL,
    recipient: { identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'maria@example.com' } },
    authorId: 'agent-7',
    authorName: 'Sam',
    subject: 'Re: Delivery date',
    text: 'It ships tomorrow.',
    html: '<p>It ships tomorrow.</p>',
    conversationToken: token,
    automatic: false,
    threading: {
      messageIdHeader,
      inReplyTo: 'm1@example.com',
      references: ['root@example.com', 'm1@example.com'],
    },
  });
  expect(stored.conversation?.subject).toBe('Delivery date');
  expect((await messageIn(conversationId, replyId))?.deliveryState).toBe(DeliveryState.DELIVERY_STATE_QUEUED);
  await waitFor('reply announced', () =>
    h.events.some((e) => e.id === deterministicId('evt', replyId, 'message_added')),
  );

  await publishDelivery({
    id: deterministicId('dlv', replyId, 'sent'),
    messageId: replyId,
    conversationId,
    channelMessageId: messageIdHeader,
    state: DeliveryState.DELIVERY_STATE_SENT,
  });
  await waitFor(
    'SENT shown',
    async () => (await messageIn(conversationId, replyId))?.deliveryState === DeliveryState.DELIVERY_STATE_SENT,
  );

  await publishDelivery({
    id: deterministicId('dlv', 'acme', messageIdHeader, 'failed'),
    messageId: '',
    channelMessageId: messageIdHeader,
    state: DeliveryState.DELIVERY_STATE_FAILED,
    reason: '5.1.1 user unknown',
  });
  const failed = await waitFor('FAILED shown', async () => {
    const m = await messageIn(conversationId, replyId);
    return m?.deliveryState === DeliveryState.DELIVERY_STATE_FAILED && m;
  });
  expect(failed.deliveryReason).toBe('5.1.1 user unknown');

  // A late SENT never moves the message backwards; a barrier status on another reply proves it was handled.
  await publishDelivery({ id: 'late', messageId: replyId, conversationId, state: DeliveryState.DELIVERY_STATE_SENT });
  const barrier = await api(h.client, key).sendReply({ conversationId, text: 'barrier' });
  const barrierId = barrier.message?.id as string;
  // An adapter reports SENT for what it consumed: after the relay published the reply and cleared its mark.
  await waitFor('barrier published', async () => {
    const doc = await h.service.runtime.store
      .collection<{ _id: string; outbox?: string }>('messages')
      .findOne({ _id: barrierId });
    return h.outbound.some((m) => m.id === barrierId) && doc !== null && !doc.outbox;
  });
  await publishDelivery({
    id: 'barrier',
    messageId: barrierId,
    conversationId,
    state: DeliveryState.DELIVERY_STATE_SENT,
  });
  await waitFor(
    'barrier SENT',
    async () => (await messageIn(conversationId, barrierId))?.deliveryState === DeliveryState.DELIVERY_STATE_SENT,
  );
  expect((await messageIn(conversationId, replyId))?.deliveryState).toBe(DeliveryState.DELIVERY_STATE_FAILED);
});

test('a customer reply referencing our Message-ID threads by References', async () => {
  const first = mail({ from: 'nina@example.com', messageId: 'n1@example.com', subject: 'Refund' });
  const conversationId = await conversationWith(first);
  const { message } = await api(h.client, key).sendReply({ conversationId, text: 'Refund issued.' });
  const ours = `${message?.id}.${conversationId}@mail.omni.invalid`;
  // From a different address and subject: only our Message-ID in References can link it.
  const answer = mail({
    from: 'nina.work@example.com',
    messageId: 'n2@example.com',
    subject: 'Thanks',
    references: [`<${ours}>`],
  });
  expect(await conversationWith(answer)).toBe(conversationId);
  expect((await messageIn(conversationId, answer.id))?.threadRule).toBe(ThreadRule.THREAD_RULE_REFERENCES);
});

test('SendReply with the same idempotency key twice stores one message', async () => {
  const conversationId = await conversationWith(mail({ from: 'oscar@example.com', messageId: 'o1@example.com' }));
  const request = { conversationId, text: 'Once only', idempotencyKey: 'click-42' };
  const [a, b] = [await api(h.client, key).sendReply(request), await api(h.client, key).sendReply(request)];
  expect(a.message?.id).toBe(b.message?.id);
  expect(a.message?.id).toBe(deterministicId('msg', 'acme', 'reply', conversationId, 'click-42'));
  const { messages } = await api(h.client, key).listMessages({ conversationId });
  expect(messages.filter((m) => m.direction === MessageDirection.MESSAGE_DIRECTION_OUTBOUND)).toHaveLength(1);
  expect((await api(h.client, key).getConversation({ conversationId })).conversation?.messageCount).toBe(2);
});

test('the relay publishes replies a crashed process left pending in the outbox', async () => {
  const conversationId = await conversationWith(mail({ from: 'rita@example.com', messageId: 'rt1@example.com' }));
  const { message } = await api(h.client, key).sendReply({ conversationId, text: 'first' });
  const messages = h.service.runtime.store.collection<{ _id: string; outbox?: string }>('messages');
  await waitFor('first reply published', async () => !(await messages.findOne({ _id: message?.id as string }))?.outbox);
  // As if a previous process stored this reply and died before publishing: only the poll can find it.
  const original = await messages.findOne({ _id: message?.id as string });
  const orphanId = deterministicId('msg', 'acme', 'reply', conversationId, 'orphan');
  await messages.insertOne({ ...original, _id: orphanId, outbox: 'pending' });
  const published = await waitFor('orphan published', () => h.outbound.find((m) => m.id === orphanId));
  expect(published.conversationId).toBe(conversationId);
  await waitFor('outbox mark cleared', async () => !(await messages.findOne({ _id: orphanId }))?.outbox);
});

test('SendReply refuses an empty reply and an unknown conversation', async () => {
  const conversationId = await conversationWith(mail({ from: 'pia@example.com', messageId: 'p1@example.com' }));
  await expect(api(h.client, key).sendReply({ conversationId, text: '  ' })).rejects.toMatchObject({
    code: GrpcStatus.INVALID_ARGUMENT,
  });
  await expect(api(h.client, key).sendReply({ conversationId: 'conv_missing', text: 'hi' })).rejects.toMatchObject({
    code: GrpcStatus.NOT_FOUND,
  });
});

test("calls without a valid key are UNAUTHENTICATED; another tenant's conversation is NOT_FOUND", async () => {
  const conversationId = await conversationWith(mail({ from: 'quinn@example.com', messageId: 'q1@example.com' }));
  await expect(api(h.client).getConversation({ conversationId })).rejects.toMatchObject({
    code: GrpcStatus.UNAUTHENTICATED,
  });
  await expect(
    api(h.client, 'omni_notarealkeyatallnotarealkey').getConversation({ conversationId }),
  ).rejects.toMatchObject({
    code: GrpcStatus.UNAUTHENTICATED,
  });

  const other = api(h.client, await h.keyFor('globex'));
  const missing = await other.getConversation({ conversationId: 'conv_nothing' }).catch((e: unknown) => e);
  const foreign = await other.getConversation({ conversationId }).catch((e: unknown) => e);
  expect(foreign).toMatchObject({ code: GrpcStatus.NOT_FOUND });
  expect((foreign as Error).message).toBe((missing as Error).message.replace('conv_nothing', conversationId));
  await expect(other.listMessages({ conversationId })).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  await expect(other.sendReply({ conversationId, text: 'hi' })).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  expect((await other.listConversations({})).conversations).toEqual([]);

  const revoked = await h.keyFor('initech');
  await revokeApiKey(h.service.runtime.store, hashApiKey(revoked));
  // The authenticator caches only keys it accepted; this one was never used, so revocation applies at once.
  await expect(api(h.client, revoked).listConversations({})).rejects.toMatchObject({
    code: GrpcStatus.UNAUTHENTICATED,
  });
});

test('ListConversations pages newest first with an opaque token and filters by status', async () => {
  const from = ['r1@example.com', 'r2@example.com', 'r3@example.com'];
  for (const [i, address] of from.entries()) {
    await conversationWith(mail({ tenantId: 'pager', from: address, messageId: `page-${i}@example.com` }));
  }
  const pager = api(h.client, await h.keyFor('pager'));
  const first = await pager.listConversations({ pageSize: 2 });
  expect(first.conversations).toHaveLength(2);
  expect(first.nextPageToken).not.toBe('');
  const second = await pager.listConversations({ pageSize: 2, pageToken: first.nextPageToken });
  expect(second.conversations).toHaveLength(1);
  expect(second.nextPageToken).toBe('');
  const all = [...first.conversations, ...second.conversations];
  const times = all.map((c) => c.lastMessageAt?.getTime() ?? 0);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(new Set(all.map((c) => c.id)).size).toBe(3);
  const resolved = await pager.listConversations({ status: ConversationStatus.CONVERSATION_STATUS_RESOLVED });
  expect(resolved.conversations).toEqual([]);
  await expect(pager.listConversations({ pageToken: 'garbage' })).rejects.toMatchObject({
    code: GrpcStatus.INVALID_ARGUMENT,
  });
});
