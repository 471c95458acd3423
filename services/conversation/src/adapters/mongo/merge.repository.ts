import { ConversationStatus, MessageDirection } from '@omni/contracts';
import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import type { MergeStep } from '../../domain/merge-plan';
import { closedKeyOf, openKeyOf } from './conversation.repository';
import { type ConversationWrites, conversationWritesOf } from './conversation-writes';
import { type ActivityDocument, Collections, type ConversationDocument, type MessageDocument } from './documents';
import { MergeCollections, type MergeDocument, type MergeLockDocument } from './merge-documents';
import { freshTimelineMark, TimelineMarksRepository } from './timeline-marks.repository';

/** Recounting stops chasing a stream of new messages after this many rounds; the next one corrects it. */
const RECOUNT_ROUNDS = 8;

/** The merge records, the locks that serialize merges per customer, and the bulk moves a merge makes. */
export class MergeRepository {
  private readonly marks: TimelineMarksRepository;
  private readonly writes: ConversationWrites;

  constructor(private readonly store: Store) {
    this.marks = new TimelineMarksRepository(store);
    this.writes = conversationWritesOf(store);
  }

  private get merges() {
    return this.store.collection<MergeDocument>(MergeCollections.merges);
  }

  private get locks() {
    return this.store.collection<MergeLockDocument>(MergeCollections.mergeLocks);
  }

  private get conversations() {
    return this.store.collection<ConversationDocument>(Collections.conversations);
  }

  private get messages() {
    return this.store.collection<MessageDocument>(Collections.messages);
  }

  /** Timeline entries (notes, system events) live beside messages and follow their conversation. */
  private get activities() {
    return this.store.collection<ActivityDocument>(Collections.activities);
  }

  findById(tenantId: string, id: string): Promise<MergeDocument | null> {
    return findOwned(this.merges, tenantId, id);
  }

  /** Creates the merge record, or returns the one an earlier attempt created. */
  async create(doc: MergeDocument): Promise<MergeDocument> {
    try {
      await this.merges.insertOne(doc);
      return doc;
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.findById(doc.tenantId, doc._id);
      if (!existing) throw error;
      return existing;
    }
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.merges.deleteOne({ _id: id, tenantId });
  }

  async update(tenantId: string, id: string, fields: Partial<MergeDocument>): Promise<void> {
    await this.merges.updateOne({ _id: id, tenantId }, { $set: { ...fields, updatedAt: new Date() } });
  }

  /** Notes a fold on the merge before it is made (a set: a retry notes it once). */
  async recordFold(tenantId: string, id: string, fold: { survivorId: string; mergedId: string }): Promise<void> {
    await this.merges.updateOne({ _id: id, tenantId }, { $addToSet: { folds: fold }, $set: { updatedAt: new Date() } });
  }

  /** Notes a conversation of the loser that reached the winner after the merge (a racing message's). */
  async recordMovedConversation(tenantId: string, id: string, conversationId: string): Promise<void> {
    await this.merges.updateOne(
      { _id: id, tenantId },
      { $addToSet: { movedConversationIds: conversationId }, $set: { updatedAt: new Date() } },
    );
  }

  async advance(tenantId: string, id: string, step: MergeStep): Promise<void> {
    await this.update(tenantId, id, { step });
  }

  /**
   * Takes the customers' locks for `mergeId` in id order (an insert each, so
   * exactly one merge holds a customer). Returns the id of the merge that holds
   * one of them instead, after giving back what this call took.
   */
  async lock(tenantId: string, customerIds: readonly string[], mergeId: string): Promise<string | undefined> {
    const taken: string[] = [];
    for (const customerId of [...customerIds].sort()) {
      const _id = `${tenantId}:${customerId}`;
      try {
        await this.locks.insertOne({ _id, tenantId, mergeId, createdAt: new Date() });
        taken.push(_id);
      } catch (error: unknown) {
        if (!isDuplicateKeyError(error)) throw error;
        const holder = await this.locks.findOne({ _id });
        if (holder && holder.mergeId !== mergeId) {
          if (taken.length > 0) await this.locks.deleteMany({ _id: { $in: taken }, mergeId });
          return holder.mergeId;
        }
      }
    }
    return undefined;
  }

  async unlock(tenantId: string, customerIds: readonly string[], mergeId: string): Promise<void> {
    await this.locks.deleteMany({ _id: { $in: customerIds.map((id) => `${tenantId}:${id}`) }, mergeId });
  }

  openConversation(tenantId: string, customerId: string): Promise<ConversationDocument | null> {
    return this.conversations.findOne(
      { openKey: openKeyOf(tenantId, customerId), tenantId },
      { projection: { appliedMessageIds: 0 } },
    );
  }

  async conversationIdsOf(tenantId: string, customerId: string): Promise<string[]> {
    const docs = await this.conversations.find({ tenantId, customerId }, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id);
  }

  /** Folds a thread into another: closed, marked, and owned by the survivor's customer. */
  async markConversationMerged(tenantId: string, id: string, survivorId: string, customerId: string): Promise<void> {
    await this.writes.run(id, () =>
      this.conversations.updateOne(
        { _id: id, tenantId },
        {
          $set: {
            mergedInto: survivorId,
            customerId,
            status: ConversationStatus.CONVERSATION_STATUS_RESOLVED,
            openKey: closedKeyOf(id),
            updatedAt: new Date(),
            ...freshTimelineMark(),
          },
          $inc: { version: 1 },
        },
      ),
    );
  }

  /**
   * Gives a conversation to another customer, keeping it open when it was:
   * 'conflict' when that customer already has another open conversation.
   */
  async reassignConversation(tenantId: string, id: string, customerId: string): Promise<'moved' | 'conflict'> {
    const doc = await findOwned(this.conversations, tenantId, id, { projection: { openKey: 1 } });
    if (!doc) return 'moved';
    const open = doc.openKey.startsWith('open:');
    try {
      await this.writes.run(id, () =>
        this.conversations.updateOne(
          { _id: id, tenantId },
          {
            $set: {
              customerId,
              updatedAt: new Date(),
              ...freshTimelineMark(),
              ...(open && { openKey: openKeyOf(tenantId, customerId) }),
            },
            $inc: { version: 1 },
          },
        ),
      );
      return 'moved';
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return 'conflict';
      throw error;
    }
  }

  /** Moves a folded thread's messages and timeline entries into the survivor, noting where they came from. */
  async moveConversationContent(tenantId: string, fromId: string, toId: string, mergeId?: string): Promise<void> {
    const update = {
      $set: { conversationId: toId, ...(mergeId && { [`mergedFrom.${mergeId}.conversationId`]: fromId }) },
    };
    await this.messages.updateMany({ tenantId, conversationId: fromId }, update);
    await this.activities.updateMany({ tenantId, conversationId: fromId }, update);
    await this.marks.touch(tenantId, [fromId, toId]);
  }

  /** Re-labels the loser's messages with the winner, noting the original customer. */
  async moveCustomerMessages(tenantId: string, fromId: string, toId: string, mergeId?: string): Promise<void> {
    // Timelines show each message's customer: the threads holding them are marked once they changed.
    const threads = await this.conversationsOfMessages({ tenantId, customerId: fromId });
    await this.messages.updateMany(
      { tenantId, customerId: fromId },
      { $set: { customerId: toId, ...(mergeId && { [`mergedFrom.${mergeId}.customerId`]: fromId }) } },
    );
    // With a merge id, also the threads of messages that arrived between the read and the update.
    const relabelled = mergeId
      ? await this.conversationsOfMessages({ tenantId, [`mergedFrom.${mergeId}.customerId`]: fromId })
      : [];
    await this.marks.touch(tenantId, [...threads, ...relabelled]);
  }

  /** Puts one message where its conversation and customer went (the inbound path after a merge raced it). */
  async relocateMessage(tenantId: string, id: string, conversationId: string, customerId: string): Promise<void> {
    const before = await findOwned(this.messages, tenantId, id, { projection: { conversationId: 1 } });
    await this.messages.updateOne({ _id: id, tenantId }, { $set: { conversationId, customerId } });
    await this.marks.touch(tenantId, [conversationId, before?.conversationId ?? '']);
  }

  /**
   * Split: every message and timeline entry the merge moved goes back to where
   * it came from, and forgets the move. One update per document, each
   * idempotent, so a split that stopped half-way is finished by running it again.
   */
  async restoreMoved(tenantId: string, mergeId: string): Promise<void> {
    const path = `mergedFrom.${mergeId}`;
    const moved = { tenantId, [path]: { $exists: true } };
    const projection = { projection: { _id: 1, conversationId: 1, mergedFrom: 1 } };
    const threads = new Set<string>();
    for (const message of await this.messages.find(moved, projection).toArray()) {
      const origin = message.mergedFrom?.[mergeId] ?? {};
      threads.add(message.conversationId);
      if (origin.conversationId) threads.add(origin.conversationId);
      await this.messages.updateOne(
        { _id: message._id, tenantId },
        {
          $set: {
            ...(origin.conversationId && { conversationId: origin.conversationId }),
            ...(origin.customerId && { customerId: origin.customerId }),
          },
          $unset: { [path]: '' },
        },
      );
    }
    for (const activity of await this.activities.find(moved, projection).toArray()) {
      const origin = activity.mergedFrom?.[mergeId];
      threads.add(activity.conversationId);
      if (origin?.conversationId) threads.add(origin.conversationId);
      await this.activities.updateOne(
        { _id: activity._id, tenantId },
        { ...(origin && { $set: { conversationId: origin.conversationId } }), $unset: { [path]: '' } },
      );
    }
    await this.marks.touch(tenantId, threads);
  }

  private async conversationsOfMessages(filter: Record<string, unknown>): Promise<Set<string>> {
    const docs = await this.messages.find(filter, { projection: { conversationId: 1 } }).toArray();
    return new Set(docs.map((doc) => doc.conversationId));
  }

  /** Split: the folded thread is a thread of its own again (resolved: its customer's open thread may be elsewhere). */
  async unmarkConversationMerged(tenantId: string, id: string, customerId: string): Promise<void> {
    await this.writes.run(id, () =>
      this.conversations.updateOne(
        { _id: id, tenantId },
        {
          $unset: { mergedInto: '' },
          $set: { customerId, updatedAt: new Date(), ...freshTimelineMark() },
          $inc: { version: 1 },
        },
      ),
    );
  }

  /** Split: a thread that was open before its merge opens again unless its customer has another open one now. */
  async reopenIfFree(tenantId: string, id: string, customerId: string): Promise<void> {
    try {
      await this.writes.run(id, () =>
        this.conversations.updateOne(
          { _id: id, tenantId, mergedInto: { $exists: false } },
          {
            $set: {
              status: ConversationStatus.CONVERSATION_STATUS_OPEN,
              openKey: openKeyOf(tenantId, customerId),
              updatedAt: new Date(),
              ...freshTimelineMark(),
            },
            $inc: { version: 1 },
          },
        ),
      );
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Sets a conversation's counters from the messages it holds. A message
   * counted concurrently by `countMessage` can be overwritten by the `$set`,
   * so the round repeats until the messages read before and after it agree
   * with each other and with what the document then holds;
   * the ids go into `appliedMessageIds`, so a later count of one is a no-op.
   */
  async recount(tenantId: string, conversationId: string): Promise<void> {
    for (let round = 0; round < RECOUNT_ROUNDS; round++) {
      const before = await this.contentOf(tenantId, conversationId);
      const latest = before[before.length - 1];
      const lastInbound = before.filter(
        (m) => m.direction === MessageDirection.MESSAGE_DIRECTION_INBOUND && !m.autoGenerated,
      );
      const route = lastInbound[lastInbound.length - 1];
      await this.writes.run(conversationId, () =>
        this.conversations.updateOne(
          { _id: conversationId, tenantId },
          {
            $set: {
              messageCount: before.length,
              appliedMessageIds: before.map((m) => m._id),
              channels: [...new Set(before.map((m) => m.channel))],
              updatedAt: new Date(),
              ...freshTimelineMark(),
              ...(latest && { lastMessageAt: latest.sentAt }),
              ...(route && {
                lastInboundChannel: route.channel,
                lastInboundInboxId: route.inboxId,
                lastInboundMessageId: route._id,
              }),
            },
            $inc: { version: 1 },
          },
        ),
      );
      const after = await this.contentOf(tenantId, conversationId);
      // FerretDB v1 can also lose this `$set` to a concurrent update: the document must show it too.
      const stored = await findOwned(this.conversations, tenantId, conversationId, {
        projection: { appliedMessageIds: 1, messageCount: 1 },
      });
      const applied = { length: stored?.messageCount ?? -1, ids: stored?.appliedMessageIds ?? [] };
      if (
        sameIds(before, after) &&
        applied.length === after.length &&
        sameIds(
          after,
          applied.ids.map((_id) => ({ _id })),
        )
      ) {
        return;
      }
    }
  }

  /** Whether the conversation's `messageCount` and `appliedMessageIds` are exactly the messages it holds. */
  async countsAgree(tenantId: string, conversationId: string): Promise<boolean> {
    const [held, stored] = await Promise.all([
      this.messages.find({ tenantId, conversationId }, { projection: { _id: 1 } }).toArray(),
      findOwned(this.conversations, tenantId, conversationId, {
        projection: { appliedMessageIds: 1, messageCount: 1 },
      }),
    ]);
    if (!stored) return true;
    return (
      stored.messageCount === held.length &&
      sameIds(
        held,
        stored.appliedMessageIds.map((_id) => ({ _id })),
      )
    );
  }

  private contentOf(tenantId: string, conversationId: string) {
    return this.messages
      .find(
        { tenantId, conversationId },
        { projection: { _id: 1, channel: 1, sentAt: 1, direction: 1, autoGenerated: 1, inboxId: 1 } },
      )
      .sort({ sentAt: 1, receivedAt: 1, _id: 1 })
      .toArray();
  }
}

function sameIds(a: readonly { _id: string }[], b: readonly { _id: string }[]): boolean {
  if (a.length !== b.length) return false;
  const ids = new Set(a.map((m) => m._id));
  return b.every((m) => ids.has(m._id));
}
