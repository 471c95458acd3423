import { type Channel, ConversationOrder, type ConversationStatus, type Identity } from '@omni/contracts';
import { InvalidArgumentError, NotFoundError } from '@omni/errors';
import {
  type ConversationListFilter,
  type ConversationRepository,
  DEFAULT_ORDER,
  type SortKey,
} from '../adapters/mongo/conversation.repository';
import type { CustomerRepository } from '../adapters/mongo/customer.repository';
import type { ConversationDocument, MessageDocument } from '../adapters/mongo/documents';
import type { MessageRepository } from '../adapters/mongo/message.repository';
import { decodePageToken, encodePageToken, pageSize } from '../domain/page-token';

export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

export interface ListConversationsQuery {
  customerIdentity?: Identity;
  customerId: string;
  status: ConversationStatus;
  pageSize: number;
  pageToken: string;
  /** '-' lists unassigned conversations. */
  assigneeId?: string;
  teamId?: string;
  channel?: Channel;
  minPriority?: number;
  updatedSince?: Date | undefined;
  orderBy?: ConversationOrder;
}

const ORDERS: Record<number, readonly SortKey[]> = {
  [ConversationOrder.CONVERSATION_ORDER_UNSPECIFIED]: DEFAULT_ORDER,
  [ConversationOrder.CONVERSATION_ORDER_LAST_MESSAGE_DESC]: DEFAULT_ORDER,
  [ConversationOrder.CONVERSATION_ORDER_LAST_MESSAGE_ASC]: [
    ['lastMessageAt', 1],
    ['_id', 1],
  ],
  [ConversationOrder.CONVERSATION_ORDER_CREATED_DESC]: [
    ['createdAt', -1],
    ['_id', -1],
  ],
  [ConversationOrder.CONVERSATION_ORDER_PRIORITY_DESC]: [
    ['priority', -1],
    ['lastMessageAt', -1],
    ['_id', -1],
  ],
};

const DATE_KEYS = new Set(['lastMessageAt', 'createdAt']);

/** Reads for the API, always within the caller's tenant: another tenant's id is simply not found. */
export class ConversationQueries {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
  ) {}

  async getConversation(tenantId: string, id: string): Promise<ConversationDocument> {
    const conversation = id ? await this.conversations.findById(tenantId, id) : null;
    if (!conversation) throw new NotFoundError(`conversation ${id} not found`);
    return conversation;
  }

  async listConversations(tenantId: string, query: ListConversationsQuery): Promise<Page<ConversationDocument>> {
    const limit = pageSize(query.pageSize);
    const orderBy = query.orderBy ?? ConversationOrder.CONVERSATION_ORDER_UNSPECIFIED;
    const order = ORDERS[orderBy];
    if (!order) {
      throw new InvalidArgumentError('order_by is not a known order', {
        details: [{ field: 'order_by', reason: 'unknown' }],
      });
    }
    // The order is part of the token's kind: a cursor of one order cannot be replayed against another.
    const kind = `conversations.${orderBy}`;
    const cursor = decodePageToken(query.pageToken, kind, order.length);
    let customerId = query.customerId;
    if (query.customerIdentity?.value) {
      const byIdentity = await this.customers.findIdByIdentity(tenantId, query.customerIdentity);
      // An unknown identity, or one that names a different customer than customer_id: nothing matches.
      if (!byIdentity || (customerId && customerId !== byIdentity)) return { items: [], nextPageToken: '' };
      customerId = byIdentity;
    }
    const filter: ConversationListFilter = {
      order,
      ...(customerId && { customerId }),
      ...(query.status && { status: query.status }),
      ...(query.assigneeId && { assigneeId: query.assigneeId === '-' ? '' : query.assigneeId }),
      ...(query.teamId && { teamId: query.teamId }),
      ...(query.channel && { channel: query.channel }),
      ...(query.minPriority && { minPriority: query.minPriority }),
      ...(query.updatedSince && { updatedSince: query.updatedSince }),
      ...(cursor && {
        after: cursor.map((value, i) => (DATE_KEYS.has(order[i]?.[0] ?? '') ? new Date(Number(value)) : value)),
      }),
    };
    const items = await this.conversations.list(tenantId, filter, limit + 1);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    if (items.length <= limit || !last) return { items: page, nextPageToken: '' };
    const values = order.map(([field]) => {
      const value = last[field as keyof ConversationDocument] as Date | number | string;
      return value instanceof Date ? value.getTime() : value;
    });
    return { items: page, nextPageToken: encodePageToken({ kind, values }) };
  }

  async listMessages(
    tenantId: string,
    conversationId: string,
    requestedSize: number,
    pageToken: string,
  ): Promise<Page<MessageDocument>> {
    await this.getConversation(tenantId, conversationId);
    const limit = pageSize(requestedSize);
    const cursor = decodePageToken(pageToken, 'messages', 3);
    const after = cursor && {
      sentAt: new Date(Number(cursor[0])),
      receivedAt: new Date(Number(cursor[1])),
      id: String(cursor[2]),
    };
    const items = await this.messages.list(tenantId, conversationId, after, limit + 1);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const more = items.length > limit && last;
    return {
      items: page,
      nextPageToken: more
        ? encodePageToken({
            kind: 'messages',
            values: [last.sentAt.getTime(), last.receivedAt.getTime(), last._id],
          })
        : '',
    };
  }
}
