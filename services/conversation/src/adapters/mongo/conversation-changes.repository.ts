import { ConversationEvent } from '@omni/contracts';
import type { Store } from '@omni/store';
import { isDuplicateKeyError } from '@omni/store';
import { type ConversationWrites, conversationWritesOf } from './conversation-writes';
import { Collections, type ConversationDocument } from './documents';
import { freshTimelineMark } from './timeline-marks.repository';

export type ChangeOutcome = 'applied' | 'stale' | 'open_conflict';

export interface ConversationChange {
  set?: Partial<ConversationDocument>;
  inc?: Partial<Record<'reopenCount' | 'agentReplyCount', number>>;
  /** Announced by the relay once the change is stored (same update: nothing is lost between the two). */
  events: readonly ConversationEvent[];
}

export interface PendingConversationEvents {
  conversationId: string;
  encoded: string[];
  events: ConversationEvent[];
}

/**
 * Changes to a conversation's state made through the API or by routing. Each is
 * one update conditional on the version read, carrying its events in the same
 * document; the unique `openKey` refuses a second open conversation.
 */
export class ConversationChangesRepository {
  private readonly writes: ConversationWrites;

  constructor(private readonly store: Store) {
    this.writes = conversationWritesOf(store);
  }

  private get conversations() {
    return this.store.collection<ConversationDocument>(Collections.conversations);
  }

  async apply(doc: ConversationDocument, change: ConversationChange): Promise<ChangeOutcome> {
    const encoded = change.events.map((event) =>
      Buffer.from(ConversationEvent.encode(event).finish()).toString('base64'),
    );
    try {
      const result = await this.writes.run(doc._id, () =>
        this.conversations.updateOne(
          { _id: doc._id, tenantId: doc.tenantId, version: doc.version },
          {
            $set: { ...change.set, updatedAt: new Date(), ...freshTimelineMark() },
            $inc: { version: 1, ...change.inc },
            ...(encoded.length > 0 && { $push: { pendingEvents: { $each: encoded } } }),
          },
        ),
      );
      return result.modifiedCount === 1 ? 'applied' : 'stale';
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return 'open_conflict';
      throw error;
    }
  }

  /** Conversations whose change events still wait for the relay. */
  async pending(limit: number): Promise<PendingConversationEvents[]> {
    const docs = await this.conversations
      .find({ 'pendingEvents.0': { $exists: true } }, { projection: { _id: 1, pendingEvents: 1 } })
      .limit(limit)
      .toArray();
    return docs.map((doc) => {
      const encoded = doc.pendingEvents ?? [];
      return {
        conversationId: doc._id,
        encoded,
        events: encoded.map((value) => ConversationEvent.decode(Buffer.from(value, 'base64'))),
      };
    });
  }

  /** Removes exactly the published events; ones added meanwhile stay for the next round. */
  async clear(published: PendingConversationEvents): Promise<void> {
    await this.writes.run(published.conversationId, () =>
      this.conversations.updateOne(
        { _id: published.conversationId },
        { $pullAll: { pendingEvents: published.encoded }, $set: freshTimelineMark() },
      ),
    );
  }

  /** Snoozed conversations whose time has come. */
  async snoozeDue(now: Date, limit: number): Promise<ConversationDocument[]> {
    return this.conversations
      .find({ snoozedUntil: { $lte: now } }, { projection: { appliedMessageIds: 0 } })
      .limit(limit)
      .toArray();
  }
}
