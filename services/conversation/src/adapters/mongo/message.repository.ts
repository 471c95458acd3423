import { type DeliveryState, MessageDirection } from '@omni/contracts';
import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import { deliveryRank } from '../../domain/delivery-state';
import { Collections, type MessageDocument } from './documents';
import { MessageKeysRepository } from './message-keys.repository';
import { TimelineMarksRepository } from './timeline-marks.repository';

export interface MessageCursor {
  sentAt: Date;
  receivedAt: Date;
  id: string;
}

export interface DeliveryUpdate {
  tenantId: string;
  /** Our message id; empty when only the channel's id is known (a DSN bounce). */
  messageId: string;
  channelMessageId: string;
  state: DeliveryState;
  reason: string;
}

/** What a delivery status did: moved the state forward, found it already there or beyond, or found no message. */
export type DeliveryOutcome = 'changed' | 'unchanged' | 'unknown';

export class MessageRepository {
  private readonly keys: MessageKeysRepository;
  private readonly marks: TimelineMarksRepository;

  constructor(private readonly store: Store) {
    this.keys = new MessageKeysRepository(store);
    this.marks = new TimelineMarksRepository(store);
  }

  private get messages() {
    return this.store.collection<MessageDocument>(Collections.messages);
  }

  findById(tenantId: string, id: string): Promise<MessageDocument | null> {
    return findOwned(this.messages, tenantId, id);
  }

  /** The customer's latest message on a channel: whom and where a reply on that channel goes to. */
  async lastInboundOn(tenantId: string, customerId: string, channel: number): Promise<MessageDocument | null> {
    const [latest] = await this.messages
      .find({ tenantId, customerId, channel, direction: MessageDirection.MESSAGE_DIRECTION_INBOUND })
      .sort({ sentAt: -1, _id: -1 })
      .limit(1)
      .toArray();
    return latest ?? null;
  }

  /** Inserts by deterministic id; false when it was stored before (a redelivery or a retried call). */
  async insert(doc: MessageDocument): Promise<boolean> {
    if (doc.messageIdHeader) await this.keys.recordMessageId(doc.tenantId, doc.messageIdHeader, doc.conversationId);
    try {
      await this.messages.insertOne(doc);
      return true;
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** One bounded `_id: {$in}` read for every candidate Message-ID (theirs and ours). */
  conversationsByMessageIds(
    tenantId: string,
    messageIds: readonly string[],
  ): Promise<Array<{ messageIdHeader: string; conversationId: string }>> {
    return this.keys.conversationsByMessageIds(tenantId, messageIds);
  }

  /** Oldest first by (sentAt, receivedAt, _id). */
  list(tenantId: string, conversationId: string, after: MessageCursor | undefined, limit: number) {
    const query: Record<string, unknown> = { tenantId, conversationId };
    if (after) {
      query.$or = [
        { sentAt: { $gt: after.sentAt } },
        { sentAt: after.sentAt, receivedAt: { $gt: after.receivedAt } },
        { sentAt: after.sentAt, receivedAt: after.receivedAt, _id: { $gt: after.id } },
      ];
    }
    return this.messages.find(query).sort({ sentAt: 1, receivedAt: 1, _id: 1 }).limit(limit).toArray();
  }

  /**
   * Applies a delivery status to our outbound message unless it would move the
   * state backwards (one conditional single-document update). 'unknown' when no
   * outbound message carries that id (yet: a platform status can overtake our SENT).
   */
  async applyDelivery(update: DeliveryUpdate): Promise<DeliveryOutcome> {
    const rank = deliveryRank(update.state);
    if (rank <= 0) return 'unchanged';
    const outbound = { tenantId: update.tenantId, direction: MessageDirection.MESSAGE_DIRECTION_OUTBOUND };
    // Without our id (a bounce, a platform status webhook) the message is found by the
    // channel's id: our Message-ID for email, the platform's message id otherwise.
    const id =
      update.messageId ||
      (update.channelMessageId &&
        (
          await this.messages.findOne(
            {
              ...outbound,
              $or: [{ messageIdHeader: update.channelMessageId }, { channelMessageId: update.channelMessageId }],
            },
            { projection: { _id: 1 } },
          )
        )?._id);
    if (!id) return 'unknown';
    const result = await this.messages.updateOne(
      { _id: id, ...outbound, deliveryRank: { $lt: rank } },
      {
        $set: {
          deliveryState: update.state,
          deliveryRank: rank,
          deliveryReason: update.reason,
          ...(update.channelMessageId && { channelMessageId: update.channelMessageId }),
        },
      },
    );
    const message = await this.messages.findOne({ _id: id, ...outbound }, { projection: { conversationId: 1 } });
    if (!message) return 'unknown';
    // Also when unchanged: a redelivery after a crash between the update and the mark must still mark.
    await this.marks.touch(update.tenantId, [message.conversationId]);
    return result.modifiedCount === 1 ? 'changed' : 'unchanged';
  }

  /** Outbox: replies stored but not yet published, oldest first. */
  pendingOutbox(limit: number): Promise<MessageDocument[]> {
    return this.messages.find({ outbox: 'pending' }).sort({ createdAt: 1, _id: 1 }).limit(limit).toArray();
  }

  async clearOutbox(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.messages.updateMany({ _id: { $in: [...ids] }, outbox: 'pending' }, { $unset: { outbox: '' } });
  }
}
