import type { ConversationStatus, Identity } from '@omni/contracts';
import { NotFoundError } from '@omni/errors';
import type { ConversationRepository } from '../adapters/mongo/conversation.repository';
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
}

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
    const cursor = decodePageToken(query.pageToken, 'conversations', 2);
    let customerId = query.customerId;
    if (query.customerIdentity?.value) {
      const byIdentity = await this.customers.findIdByIdentity(tenantId, query.customerIdentity);
      // An unknown identity, or one that names a different customer than customer_id: nothing matches.
      if (!byIdentity || (customerId && customerId !== byIdentity)) return { items: [], nextPageToken: '' };
      customerId = byIdentity;
    }
    const items = await this.conversations.list(
      tenantId,
      {
        ...(customerId && { customerId }),
        ...(query.status && { status: query.status }),
        ...(cursor && { after: { lastMessageAt: new Date(Number(cursor[0])), id: String(cursor[1]) } }),
      },
      limit + 1,
    );
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const more = items.length > limit && last;
    return {
      items: page,
      nextPageToken: more
        ? encodePageToken({ kind: 'conversations', values: [last.lastMessageAt.getTime(), last._id] })
        : '',
    };
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
