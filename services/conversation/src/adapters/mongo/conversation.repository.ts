import { type Channel, ConversationStatus } from '@omni/contracts';
import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import { type ConversationWrites, conversationWritesOf } from './conversation-writes';
import { Collections, type ConversationDocument } from './documents';
import { MessageKeysRepository } from './message-keys.repository';
import { freshTimelineMark } from './timeline-marks.repository';

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
  /** An agent's reply: counted for the KPIs (first response, replies before resolution). */
  agentReply?: boolean;
}

export type SortKey = readonly [field: 'lastMessageAt' | 'createdAt' | 'priority' | '_id', direction: 1 | -1];

/** Latest activity first; every order ends on `_id` so a cursor names one position. */
export const DEFAULT_ORDER: readonly SortKey[] = [
  ['lastMessageAt', -1],
  ['_id', -1],
];

export interface ConversationListFilter {
  customerId?: string;
  status?: ConversationStatus;
  /** '' lists unassigned conversations. */
  assigneeId?: string;
  teamId?: string;
  channel?: Channel;
  minPriority?: number;
  updatedSince?: Date;
  order?: readonly SortKey[];
  /** Resume after the item with these sort values (one per key of `order`). */
  after?: ReadonlyArray<Date | number | string>;
}

/** Keyset pagination: the items after `values` in `order`, as an $or of equal prefixes and one strict key. */
export function keysetAfter(order: readonly SortKey[], values: ReadonlyArray<Date | number | string>) {
  return order.map(([field, direction], index) => {
    const clause: Record<string, unknown> = {};
    for (let i = 0; i < index; i++) clause[order[i]?.[0] as string] = values[i];
    clause[field] = { [direction === 1 ? '$gt' : '$lt']: values[index] };
    return clause;
  });
}

export class ConversationRepository {
  private readonly keys: MessageKeysRepository;
  private readonly writes: ConversationWrites;

  constructor(private readonly store: Store) {
    this.keys = new MessageKeysRepository(store);
    this.writes = conversationWritesOf(store);
  }

  private get conversations() {
    return this.store.collection<ConversationDocument>(Collections.conversations);
  }

  findById(tenantId: string, id: string): Promise<ConversationDocument | null> {
    return findOwned(this.conversations, tenantId, id, PUBLIC_FIELDS);
  }

  /** The whole document, `appliedMessageIds` (the messages counted) included. */
  findWithCounted(tenantId: string, id: string): Promise<ConversationDocument | null> {
    return findOwned(this.conversations, tenantId, id);
  }

  /** One insert: the unique `openKey` refuses a second open conversation of the customer. */
  async create(doc: ConversationDocument): Promise<CreateOutcome> {
    // A losing creation leaves a key to a token nobody was ever given: harmless.
    await this.keys.recordToken(doc.tenantId, doc.token, doc._id);
    const outcome = await this.insert(doc);
    // Also on a replay ('exists'): the subject key may be what a crash cut short.
    if (outcome !== 'open_conflict' && doc.normalizedSubject) {
      await this.keys.recordSubject(doc.tenantId, doc.customerId, doc.normalizedSubject, doc._id);
    }
    return outcome;
  }

  private async insert(doc: ConversationDocument): Promise<CreateOutcome> {
    try {
      await this.conversations.insertOne(doc);
      return 'created';
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      if (await findOwned(this.conversations, doc.tenantId, doc._id, { projection: { _id: 1 } })) {
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
      const result = await this.writes.run(id, () =>
        this.conversations.updateOne(
          { _id: id, tenantId, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED },
          {
            $set: {
              status: ConversationStatus.CONVERSATION_STATUS_OPEN,
              openKey: openKeyOf(tenantId, customerId),
              openedByMessageId: byMessageId,
              openedReopen: true,
              updatedAt: new Date(),
              resolvedAt: null,
              ...freshTimelineMark(),
            },
            $inc: { version: 1, reopenCount: 1 },
          },
        ),
      );
      return result.modifiedCount === 1 ? 'reopened' : 'unchanged';
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return 'conflict';
      throw error;
    }
  }

  /**
   * Counts a message once: the `appliedMessageIds` guard makes a replay a no-op.
   * Runs in the conversation's write queue: partitions consumed concurrently often feed one conversation.
   */
  countMessage(tenantId: string, id: string, message: MessageCounted): Promise<void> {
    return this.writes.run(id, () => this.applyCount(tenantId, id, message));
  }

  private async applyCount(tenantId: string, id: string, message: MessageCounted): Promise<void> {
    const route = message.replyRoute;
    await this.store.updateWhere(
      this.conversations,
      id,
      { tenantId, appliedMessageIds: { $ne: message.messageId } },
      {
        $inc: { messageCount: 1, version: 1, ...(message.agentReply && { agentReplyCount: 1 }) },
        $max: { lastMessageAt: message.at },
        // Unset until the first one: $min then sets it, and later ones keep the earliest.
        ...((route || message.agentReply) && {
          $min: route ? { firstInboundAt: message.at } : { firstResponseAt: message.at },
        }),
        $addToSet: { channels: message.channel },
        $push: { appliedMessageIds: message.messageId },
        $set: {
          updatedAt: new Date(),
          ...freshTimelineMark(),
          ...(route && {
            lastInboundChannel: route.channel,
            lastInboundInboxId: route.inboxId,
            lastInboundMessageId: message.messageId,
          }),
        },
      },
    );
  }

  async findOpenId(tenantId: string, customerId: string): Promise<string | undefined> {
    const doc = await this.conversations.findOne(
      { openKey: openKeyOf(tenantId, customerId), tenantId },
      { projection: { _id: 1 } },
    );
    return doc?._id;
  }

  /** By `_id` in message_keys, written before the conversation itself. */
  findIdByToken(tenantId: string, token: string): Promise<string | undefined> {
    return this.keys.conversationByToken(tenantId, token);
  }

  async findIdBySubject(
    tenantId: string,
    customerId: string,
    normalizedSubject: string,
    since: Date,
  ): Promise<string | undefined> {
    // Two `_id` reads (the customer's latest conversation with that subject, then its activity), not a scan.
    const id = await this.keys.conversationBySubject(tenantId, customerId, normalizedSubject);
    if (!id) return undefined;
    const doc = await findOwned(this.conversations, tenantId, id, { projection: { lastMessageAt: 1 } });
    return doc && doc.lastMessageAt >= since ? doc._id : undefined;
  }

  /** Newest activity first; `after` continues behind the last item of the previous page. */
  list(tenantId: string, filter: ConversationListFilter, limit: number): Promise<ConversationDocument[]> {
    const query: Record<string, unknown> = { tenantId };
    if (filter.customerId) query.customerId = filter.customerId;
    if (filter.status) query.status = filter.status;
    if (filter.assigneeId !== undefined) query.assigneeId = filter.assigneeId;
    if (filter.teamId) query.teamId = filter.teamId;
    if (filter.channel) query.channels = filter.channel;
    if (filter.minPriority) query.priority = { $gte: filter.minPriority };
    if (filter.updatedSince) query.updatedAt = { $gte: filter.updatedSince };
    const order = filter.order ?? DEFAULT_ORDER;
    if (filter.after) query.$or = keysetAfter(order, filter.after);
    const sort = Object.fromEntries(order.map(([field, direction]) => [field, direction]));
    return this.conversations.find(query, PUBLIC_FIELDS).sort(sort).limit(limit).toArray();
  }
}
