import { UnavailableError } from '@omni/errors';
import type { ConversationRepository } from '../adapters/mongo/conversation.repository';
import type { CustomerProfileRepository } from '../adapters/mongo/customer-profile.repository';
import type { ConversationDocument, MessageDocument } from '../adapters/mongo/documents';
import type { MergeRepository } from '../adapters/mongo/merge.repository';
import { sweepsAhead } from '../domain/merge-plan';
import type { MergeService } from './merge.service';

/** Thread merges chain at most this far (each merge folds one thread into an older one). */
const MAX_THREAD_HOPS = 16;
/** A running merge not advanced for this long is presumed crashed: the inbound path finishes it. */
const STALLED_MERGE_MS = 30_000;

export interface MergeFollowerDependencies {
  conversations: ConversationRepository;
  profiles: CustomerProfileRepository;
  merges: MergeRepository;
  mergeService: MergeService;
}

/**
 * The inbound path's check after writing a message: a merge that ran
 * meanwhile may have folded the message's thread or merged its customer
 * away. The message then follows `mergedInto` to where the merge put
 * everything else, so a message racing a merge lands with the winner.
 */
export class MergeFollower {
  constructor(private readonly deps: MergeFollowerDependencies) {}

  /** The customer an id stands for today (itself when never merged). */
  async customerOf(tenantId: string, customerId: string): Promise<string> {
    return (await this.deps.profiles.resolve(tenantId, customerId))?._id ?? customerId;
  }

  /**
   * Returns the message as it lies once every merge that touched it is followed. When it stays
   * where it was, also the conversation as read for this check, with its counted message ids
   * (read after the caller's count, so it serves the caller as its read of the conversation).
   */
  async settle(message: MessageDocument): Promise<{ message: MessageDocument; conversation?: ConversationDocument }> {
    const { tenantId } = message;
    const read = await this.deps.conversations.findWithCounted(tenantId, message.conversationId);
    let conversation = await this.follow(tenantId, read);
    if (!conversation) return { message };
    const owner = await this.deps.profiles.findById(tenantId, conversation.customerId);
    if (owner?.mergedInto) {
      // The merge moves this message with the rest of its thread.
      if (await this.mergeWillSweep(tenantId, owner.mergedBy)) return { message };
      await this.deps.mergeService.adoptConversation(tenantId, conversation._id, owner._id);
      conversation = (await this.thread(tenantId, conversation._id)) ?? conversation;
    }
    const customerId =
      owner && !owner.mergedInto && owner._id === message.customerId
        ? message.customerId
        : await this.customerOf(tenantId, message.customerId);
    if (conversation._id === message.conversationId && customerId === message.customerId) {
      return { message, ...(conversation === read && { conversation: read }) };
    }
    await this.deps.merges.relocateMessage(tenantId, message._id, conversation._id, customerId);
    return { message: { ...message, conversationId: conversation._id, customerId } };
  }

  /** The conversation itself, or the thread a customer merge folded it into. */
  async thread(tenantId: string, id: string): Promise<ConversationDocument | null> {
    return this.follow(tenantId, await this.deps.conversations.findById(tenantId, id));
  }

  private async follow(tenantId: string, from: ConversationDocument | null): Promise<ConversationDocument | null> {
    let conversation = from;
    for (let hop = 0; conversation?.mergedInto && hop < MAX_THREAD_HOPS; hop++) {
      conversation = await this.deps.conversations.findById(tenantId, conversation.mergedInto);
    }
    return conversation;
  }

  /**
   * True when a running merge has yet to sweep conversations, so it will
   * carry what was just written. A merge past that point is waited for
   * (transient error: the message is retried) unless it stalled, which this
   * path then finishes. A finished merge leaves the adoption to the caller.
   */
  private async mergeWillSweep(tenantId: string, mergeId: string | undefined): Promise<boolean> {
    const merge = mergeId ? await this.deps.merges.findById(tenantId, mergeId) : null;
    if (merge?.state !== 'running') return false;
    if (sweepsAhead(merge.step)) return true;
    if (Date.now() - merge.updatedAt.getTime() < STALLED_MERGE_MS) {
      throw new UnavailableError(`customer is being merged (${merge._id}); the message is retried when it is done`);
    }
    await this.deps.mergeService.resume(merge);
    return false;
  }
}
