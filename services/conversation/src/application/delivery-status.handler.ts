import { Channel, type DeliveryStatus } from '@omni/contracts';
import type { HeldDeliveryRepository } from '../adapters/mongo/held-delivery.repository';
import type { DeliveryOutcome, MessageRepository } from '../adapters/mongo/message.repository';
import { deliveryRank } from '../domain/delivery-state';

export type DeliveryHandling = DeliveryOutcome | 'held';

/**
 * Moves an outbound message's delivery state forward. A platform status names only
 * the platform's message id, which our message learns from the adapter's own SENT;
 * when the platform is faster (DELIVERED or READ before SENT), the status is held
 * and applied the moment SENT maps the id to our message.
 *
 * Each side writes before it reads the other's write: SENT records the platform id,
 * then looks for held statuses; a status is held, then looks for the message again.
 * Whatever the interleaving across partitions, one of them sees the other, and
 * applying twice is harmless since states only move forward.
 */
export class DeliveryStatusHandler {
  constructor(
    private readonly messages: MessageRepository,
    private readonly held: HeldDeliveryRepository,
  ) {}

  async handle(status: DeliveryStatus): Promise<DeliveryHandling> {
    const update = {
      tenantId: status.tenantId,
      messageId: status.messageId,
      channelMessageId: status.channelMessageId,
      state: status.state,
      reason: status.reason,
    };
    const outcome = await this.messages.applyDelivery(update);
    if (status.messageId) {
      if (status.channelMessageId && outcome !== 'unknown') await this.applyHeld(status);
      return outcome;
    }
    // Only platform ids are learned late; an email bounce names our own Message-ID, known from the start.
    if (outcome !== 'unknown' || !status.channelMessageId || status.channel === Channel.CHANNEL_EMAIL) return outcome;
    const heldId = await this.held.hold({
      tenantId: status.tenantId,
      channel: status.channel,
      channelMessageId: status.channelMessageId,
      state: status.state,
      reason: status.reason,
    });
    const retried = await this.messages.applyDelivery(update);
    if (retried === 'unknown') return 'held';
    await this.held.release([heldId]);
    return retried;
  }

  /** Applies the furthest of the statuses held for the platform id this status maps to our message. */
  private async applyHeld(status: DeliveryStatus): Promise<void> {
    const held = await this.held.heldFor(status.tenantId, status.channel, status.channelMessageId);
    const furthest = held.reduce<(typeof held)[number] | undefined>(
      (best, h) => (best && deliveryRank(best.state) >= deliveryRank(h.state) ? best : h),
      undefined,
    );
    if (!furthest) return;
    await this.messages.applyDelivery({
      tenantId: status.tenantId,
      messageId: status.messageId,
      channelMessageId: status.channelMessageId,
      state: furthest.state,
      reason: furthest.reason,
    });
    await this.held.release(held.map((h) => h._id));
  }
}
