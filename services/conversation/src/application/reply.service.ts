import { randomUUID } from 'node:crypto';
import {
  Channel,
  ContentKind,
  DeliveryState,
  deterministicId,
  MessageDirection,
  type SendReplyRequest,
  ThreadRule,
} from '@omni/contracts';
import { FailedPreconditionError, NotFoundError, UnavailableError } from '@omni/errors';
import type { ConversationRepository } from '../adapters/mongo/conversation.repository';
import type { ConversationDocument, MessageDocument } from '../adapters/mongo/documents';
import type { MessageRepository } from '../adapters/mongo/message.repository';
import { deliveryRank } from '../domain/delivery-state';
import { replyReferences } from '../domain/references';
import { checkReplyWindow, replyChannel, validateReply } from '../domain/reply';
import { replySubject } from '../domain/subject';
import type { CountAudit } from './count-audit';

export interface ReplyDependencies {
  conversations: ConversationRepository;
  messages: MessageRepository;
  /** Domain of the Message-IDs we mint: `${messageId}.${conversationId}@${domain}`. */
  messageIdDomain: string;
  /** Messaging channels' customer-service window (0: not checked here). */
  replyWindowMs?: number;
  /** Called after a reply is stored, so the outbox relay publishes it without waiting for its poll. */
  onStored: () => void;
  /** Told of every count, to check it later against the messages. */
  audit?: Pick<CountAudit, 'counted'>;
}

/**
 * An agent's reply: stored with a pending outbox mark in the same document
 * (the relay publishes it), so a crash after the write loses nothing and a
 * retried call with the same idempotency key stores one message.
 */
export class ReplyService {
  constructor(private readonly deps: ReplyDependencies) {}

  async sendReply(tenantId: string, request: SendReplyRequest): Promise<MessageDocument> {
    validateReply(request);
    const conversation = await this.deps.conversations.findById(tenantId, request.conversationId);
    if (!conversation) throw new NotFoundError(`conversation ${request.conversationId} not found`);
    const channel = replyChannel(request.channel, conversation.lastInboundChannel);

    const id = deterministicId('msg', tenantId, 'reply', conversation._id, request.idempotencyKey || randomUUID());
    const existing = await this.deps.messages.findById(tenantId, id);
    if (existing) return this.counted(existing);

    // The reply answers the customer's latest message on the chosen channel: it names the
    // recipient's identity and the inbox there, and what a platform reply refers to.
    const parent =
      channel === conversation.lastInboundChannel && conversation.lastInboundMessageId
        ? await this.deps.messages.findById(tenantId, conversation.lastInboundMessageId)
        : await this.deps.messages.lastInboundOn(tenantId, conversation.customerId, channel);
    if (!parent?.participant.identity.value) {
      throw new FailedPreconditionError(`the customer has not written on ${Channel[channel] ?? channel}`, {
        details: [{ field: 'channel', reason: 'no inbound message from the customer on this channel' }],
      });
    }
    // An inbox with a configured message tag or template may answer past the window.
    if (!parent.replyOutsideWindow) checkReplyWindow(channel, parent.sentAt, new Date(), this.deps.replyWindowMs ?? 0);
    const doc = this.replyDocument(id, conversation, parent, request, channel);
    const stored = (await this.deps.messages.insert(doc)) ? doc : await this.deps.messages.findById(tenantId, id);
    if (!stored) throw new UnavailableError(`reply ${id} vanished after a duplicate insert`);
    return this.counted(stored);
  }

  private async counted(message: MessageDocument): Promise<MessageDocument> {
    await this.deps.conversations.countMessage(message.tenantId, message.conversationId, {
      messageId: message._id,
      at: message.sentAt,
      channel: message.channel,
      agentReply: true,
    });
    this.deps.audit?.counted(message.tenantId, message.conversationId);
    if (message.outbox === 'pending') this.deps.onStored();
    return message;
  }

  private replyDocument(
    id: string,
    conversation: ConversationDocument,
    parent: MessageDocument,
    request: SendReplyRequest,
    channel: MessageDocument['channel'],
  ): MessageDocument {
    const now = new Date();
    const email = channel === Channel.CHANNEL_EMAIL;
    const messageIdHeader = email ? `${id}.${conversation._id}@${this.deps.messageIdDomain}` : '';
    return {
      _id: id,
      tenantId: conversation.tenantId,
      conversationId: conversation._id,
      customerId: conversation.customerId,
      direction: MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
      channel,
      inboxId: parent.inboxId,
      participant: parent.participant,
      authorId: request.authorId,
      authorName: request.authorName,
      subject: replySubject(conversation.subject),
      text: request.text,
      html: request.html,
      replyText: '',
      attachments: [],
      threading: {
        messageIdHeader,
        inReplyTo: email ? parent.messageIdHeader : '',
        references:
          email && parent.messageIdHeader ? replyReferences(parent.threading.references, parent.messageIdHeader) : [],
        threadIndex: email ? parent.threading.threadIndex : '',
        threadTopic: email ? parent.threading.threadTopic : '',
        replyToChannelMessageId: email ? '' : parent.channelMessageId,
        conversationToken: '',
      },
      messageIdHeader,
      // We choose an email's Message-ID, so bounces find the reply by it at once; a platform's
      // message id is known only once the adapter sent it (its SENT status records it).
      channelMessageId: messageIdHeader,
      sentAt: now,
      receivedAt: now,
      autoGenerated: false,
      autoGeneratedReason: '',
      parseProblems: [],
      deliveryState: DeliveryState.DELIVERY_STATE_QUEUED,
      deliveryRank: deliveryRank(DeliveryState.DELIVERY_STATE_QUEUED),
      deliveryReason: '',
      threadRule: ThreadRule.THREAD_RULE_UNSPECIFIED,
      contentKind: ContentKind.CONTENT_KIND_TEXT,
      conversationToken: conversation.token,
      outbox: 'pending',
      createdAt: now,
    };
  }
}
