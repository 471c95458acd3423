import { type ConversationEvent, ConversationEventType, Topics } from '@omni/contracts';
import type { EventProducer } from '@omni/kafka';

/** Publishes conversation events keyed by conversation, so one conversation's events stay in order. */
export class ConversationEventsPublisher {
  constructor(private readonly producer: EventProducer) {}

  publish(events: readonly ConversationEvent[]): Promise<void> {
    return this.producer.publish(
      ConversationEventType,
      Topics.conversationEvents,
      events.map((event) => ({ key: event.conversationId, value: event, eventId: event.id })),
    );
  }
}
