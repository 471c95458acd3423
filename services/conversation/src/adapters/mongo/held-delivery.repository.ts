import { type Channel, DeliveryState } from '@omni/contracts';
import type { Store } from '@omni/store';
import { isDuplicateKeyError } from '@omni/store';
import { deliveryRank } from '../../domain/delivery-state';

export const HELD_DELIVERY_STATUSES = 'held_delivery_statuses';

/** A platform status that named a message id no stored message carried yet. */
export interface HeldDeliveryStatus {
  /** `${tenant}:${channel}:${channelMessageId}:${state}`: one per state, so concurrent holds are plain inserts. */
  _id: string;
  tenantId: string;
  channel: Channel;
  channelMessageId: string;
  state: DeliveryState;
  reason: string;
  heldAt: Date;
}

/** Every state a status can hold: the ids of one platform message's held statuses are known without a query. */
const STATES = Object.values(DeliveryState).filter(
  (state): state is DeliveryState => typeof state === 'number' && deliveryRank(state) > 0,
);

function heldId(tenantId: string, channel: Channel, channelMessageId: string, state: DeliveryState): string {
  return `${tenantId}:${channel}:${channelMessageId}:${state}`;
}

/**
 * Statuses that overtook our own SENT (which is what maps the platform's message id
 * to our message), kept by `_id` until that SENT arrives.
 */
export class HeldDeliveryRepository {
  constructor(private readonly store: Store) {}

  private get held() {
    return this.store.collection<HeldDeliveryStatus>(HELD_DELIVERY_STATUSES);
  }

  async hold(status: Omit<HeldDeliveryStatus, '_id' | 'heldAt'>): Promise<string> {
    const _id = heldId(status.tenantId, status.channel, status.channelMessageId, status.state);
    try {
      await this.held.insertOne({ _id, ...status, heldAt: new Date() });
    } catch (error: unknown) {
      // The same status redelivered: it is held already.
      if (!isDuplicateKeyError(error)) throw error;
    }
    return _id;
  }

  /** The statuses held for one platform message: one `_id` read per state (FerretDB v1 scans for `$in`). */
  async heldFor(tenantId: string, channel: Channel, channelMessageId: string): Promise<HeldDeliveryStatus[]> {
    const docs = await Promise.all(
      STATES.map((state) => this.held.findOne({ _id: heldId(tenantId, channel, channelMessageId, state) })),
    );
    return docs.filter((doc): doc is HeldDeliveryStatus => doc !== null);
  }

  async release(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((_id) => this.held.deleteOne({ _id })));
  }

  /** Drops statuses held since before `before`: their message was never sent by us, or its SENT was lost. */
  async expire(before: Date): Promise<number> {
    const result = await this.held.deleteMany({ heldAt: { $lt: before } });
    return result.deletedCount;
  }
}
