import { type ConversationEvent, ConversationEventType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { ConversationEventsHandler } from '../../application/conversation-events.handler';

/**
 * Conversation events, one batch per partition. Events of one conversation
 * run in order; different conversations run side by side, since a decision
 * spends most of its time waiting on the database.
 */
export function consumeConversationEvents(
  kafka: KafkaClient,
  handler: ConversationEventsHandler,
  options: { groupId: string; concurrency: number },
): Promise<EventConsumer<ConversationEvent>> {
  const { groupId, concurrency } = options;
  return kafka.consume(groupId, {
    topic: Topics.conversationEvents,
    type: ConversationEventType,
    fromBeginning: true,
    handle: async (events) => {
      const byConversation = new Map<string, ConversationEvent[]>();
      for (const { value } of events) {
        const list = byConversation.get(value.conversationId) ?? [];
        list.push(value);
        byConversation.set(value.conversationId, list);
      }
      const lanes = [...byConversation.values()];
      const worker = async () => {
        for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
          for (const event of lane) await handler.handle(event);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
    },
  });
}
