import { OutboundMessage, OutboundMessageType, Topics } from '@omni/contracts';
import type { EventProducer } from '@omni/kafka';
import type { Logger } from '@omni/logging';
import { eventsForMessage } from '../../application/conversation-events';
import type { ConversationRepository } from '../mongo/conversation.repository';
import type { ConversationChangesRepository } from '../mongo/conversation-changes.repository';
import type { MessageDocument } from '../mongo/documents';
import type { MessageRepository } from '../mongo/message.repository';
import type { ConversationEventsPublisher } from './conversation-events.publisher';

export interface OutboxRelayDependencies {
  messages: MessageRepository;
  conversations: ConversationRepository;
  /** Conversations holding the events of their API and routing changes. */
  changes: ConversationChangesRepository;
  producer: EventProducer;
  events: ConversationEventsPublisher;
  logger: Logger;
  pollMs: number;
  batchSize?: number;
}

/**
 * Publishes replies marked `outbox: 'pending'` to omni.outbound.v1 (and their
 * message_added events), then clears the mark; likewise the events a status,
 * assignee or other change stored on its conversation. Woken right after a reply is
 * stored; the poll recovers what a crash left pending. Two replicas may both
 * publish a message: ids are stable, so consumers dedupe (at-least-once).
 */
export class OutboxRelay {
  private wakeUp?: () => void;
  private stopped = false;
  private running?: Promise<void>;

  constructor(private readonly deps: OutboxRelayDependencies) {}

  start(): void {
    this.running = this.loop();
  }

  wake = (): void => {
    this.wakeUp?.();
  };

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  /** Publishes everything pending now; returns how many messages and events were published. */
  async drain(): Promise<number> {
    return (await this.drainMessages()) + (await this.drainChanges());
  }

  private async drainChanges(): Promise<number> {
    const batchSize = this.deps.batchSize ?? 100;
    let total = 0;
    for (;;) {
      const pending = await this.deps.changes.pending(batchSize);
      for (const item of pending) {
        await this.deps.events.publish(item.events);
        await this.deps.changes.clear(item);
        total += item.events.length;
      }
      if (pending.length < batchSize || this.stopped) return total;
    }
  }

  private async drainMessages(): Promise<number> {
    const batchSize = this.deps.batchSize ?? 100;
    let total = 0;
    for (;;) {
      const pending = await this.deps.messages.pendingOutbox(batchSize);
      if (pending.length === 0) return total;
      await this.publish(pending);
      await this.deps.messages.clearOutbox(pending.map((m) => m._id));
      total += pending.length;
      if (pending.length < batchSize || this.stopped) return total;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const woken = new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        setTimeout(resolve, this.deps.pollMs).unref();
      });
      try {
        await this.drain();
      } catch (error: unknown) {
        // Kafka or the store is away: the marks stay, the next round retries.
        this.deps.logger.warn({ err: error }, 'outbox relay round failed');
      }
      if (this.stopped) return;
      await woken;
    }
  }

  private async publish(pending: MessageDocument[]): Promise<void> {
    await this.deps.producer.publish(
      OutboundMessageType,
      Topics.outbound,
      pending.map((message) => ({ key: message.conversationId, value: toOutbound(message), eventId: message._id })),
    );
    for (const message of pending) {
      const conversation = await this.deps.conversations.findById(message.tenantId, message.conversationId);
      if (conversation) await this.deps.events.publish(eventsForMessage(conversation, message));
    }
  }
}

function toOutbound(message: MessageDocument): OutboundMessage {
  return OutboundMessage.fromPartial({
    id: message._id,
    tenantId: message.tenantId,
    conversationId: message.conversationId,
    inboxId: message.inboxId,
    channel: message.channel,
    recipient: message.participant,
    authorId: message.authorId,
    authorName: message.authorName,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments,
    threading: message.threading,
    conversationToken: message.conversationToken,
    automatic: false,
    createdAt: message.createdAt,
  });
}
