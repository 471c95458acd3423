import { type Channel, ConversationStatus } from '@omni/contracts';
import type { Store } from '@omni/store';
import { isDuplicateKeyError } from '@omni/store';
import { Collections, type ConversationDocument } from './documents';

/** The API never needs the (growing) list of counted message ids. */
const PUBLIC_FIELDS = { projection: { appliedMessageIds: 0 } } as const;

export function openKeyOf(tenantId: string, customerId: string): string {
  return `open:${tenantId}:${customerId}`;
}

export function closedKeyOf(conversationId: string): string {
  return `closed:${conversationId}`;
}

export type CreateOutcome = 'created' | 'exists' | 'open_conflict';

export interface MessageCounted {
  messageId: string;
  at: Date;
  channel: Channel;
  /** Set for a customer's own (not auto-generated) message: the route a reply takes. */
  replyRoute?: { channel: Channel; inboxId: string };
}

export interface ConversationListFilter {
  customerId?: string;
  status?: ConversationStatus;
  /** Resume after this (lastMessageAt, _id). */
  after?: { lastMessageAt: Date; id: string };
}

export class ConversationRepository {
  constructor(private readonly store: Store) {}

  private get conversations() {
    return this.store.collection<ConversationDocument>(Collections.conversations);
  }

  findById(tenantId: string, id: string): Promise<ConversationDocument | null> {
    return this.conversations.findOne({ _id: id, tenantId }, PUBLIC_FIELDS);
  }

  /** One insert: the unique `openKey` refuses a second open conversation of the customer. */
  async create(doc: ConversationDocument): Promise<CreateOutcome> {
    try {
      await this.conversations.insertOne(doc);
      return 'created';
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      if (await this.conversations.findOne({ _id: doc._id, tenantId: doc.tenantId }, { projection: { _id: 1 } })) {
        return 'exists';
      }
      if (await this.findOpenId(doc.tenantId, doc.customerId)) return 'open_conflict';
      throw error;
    }
  }

  /** Reopens a resolved conversation; 'conflict' when the customer already has another open one. */
  async reopen(
    tenantId: string,
    id: string,
    customerId: string,
    byMessageId: string,
  ): Promise<'reopened' | 'conflict' | 'unchanged'> {
    try {
      const result = await this.conversations.updateOne(
        { _id: id, tenantId, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED },
        {
          $set: {
            status: ConversationStatus.CONVERSATION_STATUS_OPEN,
            openKey: openKeyOf(tenantId, customerId),
            openedByMessageId: byMessageId,
            openedReopen: true,
            updatedAt: new Date(),
          },
          $inc: { version: 1 },
        },
      );
      return result.modifiedCount === 1 ? 'reopened' : 'unchanged';
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return 'conflict';
      throw error;
    }
  }

  /** Counts a message once: the `appliedMessageIds` guard makes a replay a no-op. */
  async countMessage(tenantId: string, id: string, message: MessageCounted): Promise<void> {
    const route = message.replyRoute;
    await this.conversations.updateOne(
      { _id: id, tenantId, appliedMessageIds: { $ne: message.messageId } },
      {
        $inc: { messageCount: 1, version: 1 },
        $max: { lastMessageAt: message.at },
        $addToSet: { channels: message.channel },
        $push: { appliedMessageIds: message.messageId },
        $set: {
          updatedAt: new Date(),
          ...(route && {
            lastInboundChannel: route.channel,
            lastInboundInboxId: route.inboxId,
            lastInboundMessageId: message.messageId,
          }),
        },
      },
    );
  }

  /** Whether the message is among the conversation's counted ones. */
  async hasCounted(tenantId: string, id: string, messageId: string): Promise<boolean> {
    const doc = await this.conversations.findOne(
      { _id: id, tenantId, appliedMessageIds: messageId },
      { projection: { _id: 1 } },
    );
    return doc !== null;
  }

  async findOpenId(tenantId: string, customerId: string): Promise<string | undefined> {
    const doc = await this.conversations.findOne(
      { openKey: openKeyOf(tenantId, customerId), tenantId },
      { projection: { _id: 1 } },
    );
    return doc?._id;
  }

  async findIdByToken(tenantId: string, token: string): Promise<string | undefined> {
    const doc = await this.conversations.findOne({ tenantId, token }, { projection: { _id: 1 } });
    return doc?._id;
  }

  async findIdBySubject(
    tenantId: string,
    customerId: string,
    normalizedSubject: string,
    since: Date,
  ): Promise<string | undefined> {
    const [doc] = await this.conversations
      .find({ tenantId, customerId, normalizedSubject, lastMessageAt: { $gte: since } }, { projection: { _id: 1 } })
      .sort({ lastMessageAt: -1, _id: -1 })
      .limit(1)
      .toArray();
    return doc?._id;
  }

  /** Newest activity first; `after` continues behind the last item of the previous page. */
  list(tenantId: string, filter: ConversationListFilter, limit: number): Promise<ConversationDocument[]> {
    const query: Record<string, unknown> = { tenantId };
    if (filter.customerId) query.customerId = filter.customerId;
    if (filter.status) query.status = filter.status;
    if (filter.after) {
      const { lastMessageAt, id } = filter.after;
      query.$or = [{ lastMessageAt: { $lt: lastMessageAt } }, { lastMessageAt, _id: { $lt: id } }];
    }
    return this.conversations.find(query, PUBLIC_FIELDS).sort({ lastMessageAt: -1, _id: -1 }).limit(limit).toArray();
  }
}
