import { ConversationEvent, ConversationEventType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { ActivityRepository } from '../mongo/activity.repository';

/** The events the timeline shows between messages; messages themselves are the timeline's other source. */
const SYSTEM_EVENTS = new Set(['statusChanged', 'assigneeChanged', 'merged']);

/**
 * omni.conversation-events.v1 → timeline entries. Whoever changed the
 * conversation (an agent, routing, a merge) announced it as an event; storing
 * it under the event's id makes redelivery and replay write nothing new.
 */
export function consumeTimelineEvents(
  kafka: KafkaClient,
  activities: ActivityRepository,
): Promise<EventConsumer<unknown>> {
  return kafka.consume('conversation-timeline', {
    topic: Topics.conversationEvents,
    type: ConversationEventType,
    fromBeginning: true,
    handle: async (events) => {
      for (const { value } of events) {
        if (!value.kind || !SYSTEM_EVENTS.has(value.kind.$case)) continue;
        const at = value.occurredAt ?? new Date();
        await activities.insert({
          _id: value.id,
          tenantId: value.tenantId,
          conversationId: value.conversationId,
          kind: 'event',
          at,
          recordedAt: at,
          event: Buffer.from(ConversationEvent.encode(value).finish()).toString('base64'),
        });
      }
    },
  }) as Promise<EventConsumer<unknown>>;
}
