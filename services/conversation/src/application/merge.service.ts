import { deterministicId } from '@omni/contracts';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, UnavailableError } from '@omni/errors';
import type { ConversationEventsPublisher } from '../adapters/kafka/conversation-events.publisher';
import type { CustomerEventsPublisher } from '../adapters/kafka/customer-events.publisher';
import type { ConversationRepository } from '../adapters/mongo/conversation.repository';
import type { CustomerProfileRepository } from '../adapters/mongo/customer-profile.repository';
import type { CustomerDocument } from '../adapters/mongo/documents';
import { type IdentityLinkRepository, toMovedIdentity } from '../adapters/mongo/identity-link.repository';
import type { MergeRepository } from '../adapters/mongo/merge.repository';
import type { MergeDocument } from '../adapters/mongo/merge-documents';
import { type SuggestionRepository, suggestionIdOf } from '../adapters/mongo/suggestion.repository';
import { MERGE_STEPS, type MergeStep, stepsFrom, survivingThread } from '../domain/merge-plan';
import { conversationMergedEvent, customerMergedEvent, customerSplitEvent } from './merge-events';

export interface MergeDependencies {
  profiles: CustomerProfileRepository;
  identities: IdentityLinkRepository;
  conversations: ConversationRepository;
  merges: MergeRepository;
  suggestions: SuggestionRepository;
  conversationEvents: ConversationEventsPublisher;
  customerEvents: CustomerEventsPublisher;
}

/** A winner that took a new open thread while its own was being folded: give up after this many. */
const MAX_REASSIGN_ATTEMPTS = 20;

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/**
 * Merges and splits customers without multi-document transactions: a merge is
 * a record (`merges`, `_id` = merge id) driving single-document steps in
 * order; each step is idempotent and the record notes the next one, so calling
 * merge again after a crash finishes it. Locks (one inserted document per
 * customer) let one merge at a time touch a customer, so racing merges cannot
 * form a cycle.
 */
export class MergeService {
  constructor(private readonly deps: MergeDependencies) {}

  async getMerge(tenantId: string, mergeId: string): Promise<MergeDocument> {
    const merge = mergeId ? await this.deps.merges.findById(tenantId, mergeId) : null;
    if (!merge) throw new NotFoundError(`merge ${mergeId} not found`);
    return merge;
  }

  /** Moves the loser into the winner; the same pair again answers the same merge. */
  async merge(tenantId: string, winnerId: string, loserId: string): Promise<MergeDocument> {
    if (!winnerId || !loserId) {
      throw new InvalidArgumentError('winner_customer_id and loser_customer_id are required', {
        details: [{ field: winnerId ? 'loser_customer_id' : 'winner_customer_id', reason: 'required' }],
      });
    }
    if (winnerId === loserId) {
      throw new InvalidArgumentError('a customer cannot be merged into itself', {
        details: [{ field: 'loser_customer_id', reason: 'same as winner_customer_id' }],
      });
    }
    const { loser } = await this.both(tenantId, winnerId, loserId);
    const mergeId = deterministicId('mrg', tenantId, winnerId, loserId, String(loser.splitCount ?? 0));
    const existing = await this.deps.merges.findById(tenantId, mergeId);
    if (existing?.state === 'done' || existing?.state === 'splitting' || existing?.state === 'split') return existing;

    const now = new Date();
    const record =
      existing ??
      (await this.deps.merges.create({
        _id: mergeId,
        tenantId,
        winnerId,
        loserId,
        state: 'running',
        step: MERGE_STEPS[0],
        movedIdentities: [],
        movedConversationIds: [],
        createdAt: now,
        updatedAt: now,
      }));
    const holder = await this.deps.merges.lock(tenantId, [winnerId, loserId], mergeId);
    if (holder) {
      await this.abandon(record);
      throw new FailedPreconditionError(`a customer is in another merge (${holder}); retry when it is done`, {
        details: [{ field: 'loser_customer_id', reason: `locked by merge ${holder}` }],
      });
    }
    try {
      // Checked again under the locks: a merge that finished meanwhile may have merged either side away.
      const current = await this.both(tenantId, winnerId, loserId);
      refuseMergedAway(current.winner, current.loser, mergeId);
    } catch (error: unknown) {
      await this.deps.merges.unlock(tenantId, [winnerId, loserId], mergeId);
      await this.abandon(record);
      throw error;
    }
    return this.resume(record);
  }

  /** Runs a merge's remaining steps; also used by the inbound path to finish a merge that stalled. */
  async resume(record: MergeDocument): Promise<MergeDocument> {
    let merge = record;
    for (const step of stepsFrom(merge.step)) {
      merge = await this.run(step, merge);
      const next = MERGE_STEPS[MERGE_STEPS.indexOf(step) + 1];
      if (next) {
        await this.deps.merges.advance(merge.tenantId, merge._id, next);
        merge = { ...merge, step: next };
      }
    }
    return this.getMerge(merge.tenantId, merge._id);
  }

  private async run(step: MergeStep, merge: MergeDocument): Promise<MergeDocument> {
    const { tenantId, winnerId, loserId, _id: mergeId } = merge;
    const { merges } = this.deps;
    switch (step) {
      case 'mark':
        await this.deps.profiles.markMerged(tenantId, loserId, winnerId, mergeId);
        return merge;
      case 'identities':
        return this.moveIdentities(merge);
      case 'thread':
        return this.foldThreads(merge);
      case 'conversations': {
        const ids = union(merge.movedConversationIds, await merges.conversationIdsOf(tenantId, loserId));
        await merges.update(tenantId, mergeId, { movedConversationIds: ids });
        for (const id of ids) await this.giveConversation(tenantId, id, winnerId, mergeId);
        return { ...merge, movedConversationIds: ids };
      }
      case 'messages':
        if (merge.thread)
          await merges.moveConversationContent(tenantId, merge.thread.mergedId, merge.thread.survivorId, mergeId);
        await merges.moveCustomerMessages(tenantId, loserId, winnerId, mergeId);
        return merge;
      case 'recount':
        if (merge.thread) {
          await merges.recount(tenantId, merge.thread.survivorId);
          await merges.recount(tenantId, merge.thread.mergedId);
        }
        return merge;
      case 'events':
        await this.announceMerge(merge);
        return merge;
      case 'done': {
        const completedAt = new Date();
        await merges.update(tenantId, mergeId, { state: 'done', completedAt });
        await merges.unlock(tenantId, [winnerId, loserId], mergeId);
        const suggestion = await this.deps.suggestions.findById(tenantId, suggestionIdOf(tenantId, winnerId, loserId));
        if (suggestion?.status === 'open') await this.deps.suggestions.setStatus(tenantId, suggestion._id, 'merged');
        return { ...merge, state: 'done', completedAt };
      }
    }
  }

  private async moveIdentities(merge: MergeDocument): Promise<MergeDocument> {
    const { tenantId, winnerId, loserId, _id: mergeId } = merge;
    const held = await this.deps.identities.listByCustomer(tenantId, loserId);
    const known = new Set(merge.movedIdentities.map((m) => m.key));
    // Recorded before anything moves, with the link each had: what a split gives back.
    const moved = [...merge.movedIdentities, ...held.filter((doc) => !known.has(doc._id)).map(toMovedIdentity)];
    await this.deps.merges.update(tenantId, mergeId, { movedIdentities: moved });
    for (const doc of held) await this.deps.identities.move(tenantId, doc._id, loserId, winnerId, mergeId);
    await this.syncIdentities(tenantId, winnerId, loserId);
    return { ...merge, movedIdentities: moved };
  }

  /** Both had an open thread: the older survives and the other is folded into it (recorded first, so retries agree). */
  private async foldThreads(merge: MergeDocument): Promise<MergeDocument> {
    const { tenantId, winnerId, loserId } = merge;
    const { merges } = this.deps;
    const movedConversationIds = union(merge.movedConversationIds, await merges.conversationIdsOf(tenantId, loserId));
    let thread = merge.thread;
    if (!thread) {
      const [ofWinner, ofLoser] = await Promise.all([
        merges.openConversation(tenantId, winnerId),
        merges.openConversation(tenantId, loserId),
      ]);
      if (ofWinner && ofLoser) {
        thread = survivingThread(
          { id: ofWinner._id, createdAt: ofWinner.createdAt },
          { id: ofLoser._id, createdAt: ofLoser.createdAt },
        );
      }
    }
    await merges.update(tenantId, merge._id, { movedConversationIds, ...(thread && { thread }) });
    if (thread) {
      await merges.markConversationMerged(tenantId, thread.mergedId, thread.survivorId, winnerId);
      await this.giveConversation(tenantId, thread.survivorId, winnerId, merge._id);
    }
    return { ...merge, movedConversationIds, ...(thread && { thread }) };
  }

  /**
   * Gives a conversation to the winner. An open one the winner cannot hold
   * open (it has an open thread already, e.g. one a racing message opened)
   * meets that thread: the older survives. Folding and retrying come first and
   * the slow moves after, so a stream of the winner's messages, each able to
   * open a thread in the moment the slot is free, has little room to race.
   * Each fold is recorded on the merge first and what it moves is tagged with
   * the merge, so a split undoes it.
   */
  private async giveConversation(
    tenantId: string,
    conversationId: string,
    winnerId: string,
    mergeId: string,
  ): Promise<void> {
    const { merges } = this.deps;
    const folded: Array<{ survivorId: string; mergedId: string }> = [];
    let given = false;
    for (let attempt = 0; attempt < MAX_REASSIGN_ATTEMPTS && !given; attempt++) {
      if ((await merges.reassignConversation(tenantId, conversationId, winnerId)) === 'moved') {
        given = true;
        break;
      }
      const open = await merges.openConversation(tenantId, winnerId);
      if (!open || open._id === conversationId) continue;
      const ours = await this.deps.conversations.findById(tenantId, conversationId);
      const thread = survivingThread(
        { id: open._id, createdAt: open.createdAt },
        { id: conversationId, createdAt: ours?.createdAt ?? new Date() },
      );
      await merges.recordFold(tenantId, mergeId, thread);
      await merges.markConversationMerged(tenantId, thread.mergedId, thread.survivorId, winnerId);
      folded.push(thread);
      // Ours was the newer one: it now lives on inside the winner's thread.
      given = thread.mergedId === conversationId;
    }
    for (const thread of folded) {
      await merges.moveConversationContent(tenantId, thread.mergedId, thread.survivorId, mergeId);
    }
    // Survivors count what they gained; folded threads count nothing any more.
    const touched = new Set(folded.flatMap((t) => [t.survivorId, t.mergedId]));
    for (const id of touched) await merges.recount(tenantId, id);
    if (!given) {
      throw new UnavailableError(`conversation ${conversationId} could not join customer ${winnerId} yet; retry`);
    }
  }

  private async announceMerge(merge: MergeDocument): Promise<void> {
    const { tenantId, thread } = merge;
    await this.deps.customerEvents.publish([customerMergedEvent(merge)]);
    if (!thread) return;
    const survivor = await this.deps.conversations.findById(tenantId, thread.survivorId);
    if (survivor) {
      await this.deps.conversationEvents.publish([
        conversationMergedEvent(merge, survivor, thread.mergedId, merge.loserId),
      ]);
    }
  }

  /**
   * Undoes a merge from its record: the loser gets back its identities, its
   * conversations and every message, note and system event the merge moved.
   * Messages and notes that arrived after the merge stay where they were placed.
   */
  async split(tenantId: string, mergeId: string): Promise<MergeDocument> {
    const merge = await this.getMerge(tenantId, mergeId);
    if (merge.state === 'split') return merge;
    if (merge.state === 'running') {
      throw new FailedPreconditionError(`merge ${mergeId} is still running; call MergeCustomers again to finish it`);
    }
    const { winnerId, loserId } = merge;
    const winner = await this.deps.profiles.findById(tenantId, winnerId);
    if (winner?.mergedInto) {
      throw new FailedPreconditionError(
        `customer ${winnerId} was merged into ${winner.mergedInto} since; split that merge first`,
        { details: [{ field: 'merge_id', reason: `winner merged by ${winner.mergedBy ?? ''}` }] },
      );
    }
    const lockId = `${mergeId}:split`;
    const holder = await this.deps.merges.lock(tenantId, [winnerId, loserId], lockId);
    if (holder) throw new FailedPreconditionError(`a customer is in another merge (${holder}); retry when it is done`);
    await this.deps.merges.update(tenantId, mergeId, { state: 'splitting' });

    for (const moved of merge.movedIdentities) await this.deps.identities.restore(tenantId, loserId, moved);
    await this.restoreConversations(merge);
    await this.deps.merges.restoreMoved(tenantId, mergeId);
    for (const thread of everyFold(merge)) {
      await this.deps.merges.recount(tenantId, thread.survivorId);
      await this.deps.merges.recount(tenantId, thread.mergedId);
    }
    await this.deps.profiles.clearMerged(tenantId, loserId);
    await this.syncIdentities(tenantId, winnerId, loserId);
    const splitAt = new Date();
    await this.deps.customerEvents.publish([customerSplitEvent(merge, splitAt)]);
    await this.deps.merges.update(tenantId, mergeId, { state: 'split', splitAt });
    await this.deps.merges.unlock(tenantId, [winnerId, loserId], lockId);
    return this.getMerge(tenantId, mergeId);
  }

  private async restoreConversations(merge: MergeDocument): Promise<void> {
    const { tenantId, winnerId, loserId } = merge;
    const { merges } = this.deps;
    const folds = everyFold(merge);
    const foldedIds = new Set(folds.map((f) => f.mergedId));
    for (const id of merge.movedConversationIds) {
      if (foldedIds.has(id)) continue;
      await merges.reassignConversation(tenantId, id, loserId);
    }
    // Every folded thread was open when it was folded: it is its owner's thread again. In fold order,
    // so a thread from before the merge reopens first; one a racing message opened stays resolved
    // beside it when its customer cannot hold two open.
    for (const fold of folds) {
      const owner = merge.movedConversationIds.includes(fold.mergedId) ? loserId : winnerId;
      await merges.unmarkConversationMerged(tenantId, fold.mergedId, owner);
      await merges.reopenIfFree(tenantId, fold.mergedId, owner);
    }
  }

  /**
   * The inbound path found a conversation held by a merged-away customer (a
   * message raced the merge): it becomes the final winner's, folded into the
   * winner's open thread if it is open and the winner has one.
   */
  async adoptConversation(tenantId: string, conversationId: string, ownerId: string): Promise<void> {
    const owner = await this.deps.profiles.findById(tenantId, ownerId);
    const winner = await this.deps.profiles.resolve(tenantId, ownerId);
    if (!owner?.mergedBy || !winner || winner._id === ownerId) return;
    // The merge that took the owner away answers for the adoption: its split gives the thread back.
    const mergeId = owner.mergedBy;
    await this.deps.merges.recordMovedConversation(tenantId, mergeId, conversationId);
    await this.giveConversation(tenantId, conversationId, winner._id, mergeId);
    await this.deps.merges.moveCustomerMessages(tenantId, ownerId, winner._id, mergeId);
  }

  private async both(tenantId: string, winnerId: string, loserId: string) {
    const [winner, loser] = await Promise.all([
      this.deps.profiles.findById(tenantId, winnerId),
      this.deps.profiles.findById(tenantId, loserId),
    ]);
    if (!winner) throw new NotFoundError(`customer ${winnerId} not found`);
    if (!loser) throw new NotFoundError(`customer ${loserId} not found`);
    return { winner, loser };
  }

  private async syncIdentities(tenantId: string, ...customerIds: string[]): Promise<void> {
    for (const customerId of customerIds) {
      const held = await this.deps.identities.listByCustomer(tenantId, customerId);
      await this.deps.profiles.syncIdentities(tenantId, customerId, held);
    }
  }

  /** A merge that did nothing yet (refused) leaves no record behind. */
  private async abandon(record: MergeDocument): Promise<void> {
    if (record.step === MERGE_STEPS[0] && record.state === 'running') {
      await this.deps.merges.remove(record.tenantId, record._id);
    }
  }
}

function refuseMergedAway(winner: CustomerDocument, loser: CustomerDocument, mergeId: string): void {
  if (winner.mergedInto) {
    throw new FailedPreconditionError(`customer ${winner._id} was merged into ${winner.mergedInto}`, {
      details: [{ field: 'winner_customer_id', reason: `merged into ${winner.mergedInto}` }],
    });
  }
  if (loser.mergedInto && loser.mergedBy !== mergeId) {
    throw new FailedPreconditionError(`customer ${loser._id} was merged into ${loser.mergedInto}`, {
      details: [{ field: 'loser_customer_id', reason: `merged into ${loser.mergedInto}` }],
    });
  }
}

/** The merge's own thread fold first, then those made on its behalf, in the order they were made. */
function everyFold(merge: MergeDocument): Array<{ survivorId: string; mergedId: string }> {
  return [...(merge.thread ? [merge.thread] : []), ...(merge.folds ?? [])];
}
