import {
  Channel,
  DeliveryState,
  DeliveryStatus,
  deterministicId,
  IdentityKind,
  InboundMessage,
  MessageDirection,
} from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { HELD_DELIVERY_STATUSES, HeldDeliveryRepository } from '../src/adapters/mongo/held-delivery.repository';
import { api, type Harness, startHarness } from './conversation-harness';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness('conv-delivery-order');
  key = await h.keyFor('acme');
});

afterAll(async () => {
  await h?.close();
});

/** A customer's WhatsApp message as ingest-social publishes it. */
function whatsapp(wamid: string, phone: string): InboundMessage {
  return InboundMessage.fromPartial({
    id: deterministicId('msg', 'acme', 'whatsapp', wamid),
    tenantId: 'acme',
    inboxId: 'wa-number',
    channel: Channel.CHANNEL_WHATSAPP,
    channelMessageId: wamid,
    sender: { identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: phone }, displayName: 'Ana' },
    text: 'Where is my order?',
    sentAt: new Date(),
    receivedAt: new Date(),
  });
}

/** A status from the WhatsApp webhook: it knows only the platform's message id. */
function platformStatus(wamid: string, state: DeliveryState): DeliveryStatus {
  return DeliveryStatus.fromPartial({
    id: deterministicId('dlv', 'acme', wamid, DeliveryState[state]),
    tenantId: 'acme',
    channel: Channel.CHANNEL_WHATSAPP,
    channelMessageId: wamid,
    state,
    occurredAt: new Date(),
  });
}

async function replyState(conversationId: string, replyId: string) {
  const { messages } = await api(h.client, key).listMessages({ conversationId });
  return messages.find((m) => m.id === replyId)?.deliveryState;
}

test('DELIVERED and READ that arrive before our own SENT are applied when SENT names the platform id: READ', async () => {
  const inbound = whatsapp('wamid.IN-1', '+5511987654321');
  await h.publishInbound(inbound);
  const conversationId = await h.conversationOf(inbound);
  const { message: reply } = await api(h.client, key).sendReply({ conversationId, text: 'On its way.' });
  const replyId = reply?.id as string;
  expect(reply).toMatchObject({
    direction: MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
    channel: Channel.CHANNEL_WHATSAPP,
  });

  // The platform reports delivery and reading before ingest-social's SENT (which carries the wamid) is consumed.
  const wamid = 'wamid.OUT-1';
  await h.publishDelivery(
    platformStatus(wamid, DeliveryState.DELIVERY_STATE_READ),
    platformStatus(wamid, DeliveryState.DELIVERY_STATE_DELIVERED),
  );
  const held = h.service.runtime.store.collection<{ _id: string; channelMessageId: string }>(HELD_DELIVERY_STATUSES);
  await waitFor(
    'both statuses held',
    async () => (await held.find({ channelMessageId: wamid }).toArray()).length === 2,
  );
  expect(await replyState(conversationId, replyId)).toBe(DeliveryState.DELIVERY_STATE_QUEUED);

  await h.publishDelivery(
    DeliveryStatus.fromPartial({
      id: deterministicId('dlv', replyId, 'DELIVERY_STATE_SENT'),
      tenantId: 'acme',
      messageId: replyId,
      conversationId,
      channel: Channel.CHANNEL_WHATSAPP,
      channelMessageId: wamid,
      state: DeliveryState.DELIVERY_STATE_SENT,
      occurredAt: new Date(),
    }),
  );
  await waitFor(
    'READ shown',
    async () => (await replyState(conversationId, replyId)) === DeliveryState.DELIVERY_STATE_READ,
  );
  // The held statuses are deleted right after they are applied: no longer held once READ shows.
  await waitFor('held statuses released', async () => (await held.countDocuments({ channelMessageId: wamid })) === 0);
});

test('a status for a message we never sent is held, then dropped once it is older than the hold time', async () => {
  const wamid = 'wamid.NEVER-SENT';
  await h.publishDelivery(platformStatus(wamid, DeliveryState.DELIVERY_STATE_DELIVERED));
  const held = h.service.runtime.store.collection<{ _id: string; channelMessageId: string }>(HELD_DELIVERY_STATUSES);
  await waitFor('the status held', async () => (await held.countDocuments({ channelMessageId: wamid })) === 1);
  const repository = new HeldDeliveryRepository(h.service.runtime.store);

  // Not yet past the hold time: kept.
  await repository.expire(new Date(Date.now() - 3_600_000));
  expect(await held.countDocuments({ channelMessageId: wamid })).toBe(1);
  // Past it (the sweep's cutoff is now minus HELD_STATUS_TTL_HOURS): dropped.
  expect(await repository.expire(new Date(Date.now() + 1_000))).toBeGreaterThanOrEqual(1);
  expect(await held.countDocuments({ channelMessageId: wamid })).toBe(0);
});
