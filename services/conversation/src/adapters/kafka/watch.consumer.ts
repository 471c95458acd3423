import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type ConversationEvent, ConversationEventType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { WatchHub } from '../../application/watch-hub';

/** Hands subscribers the event loop this often within a large batch, so a burst is not taken as lag. */
const YIELD_EVERY = 64;

/**
 * Feeds the hub every partition of omni.conversation-events.v1. Each replica needs every event,
 * so it reads in a group of its own, named per process and started at the topic's end; the
 * start offsets are fixed before the first fetch, so the hub knows exactly what it holds.
 */
export async function consumeForWatch(kafka: KafkaClient, hub: WatchHub): Promise<EventConsumer<ConversationEvent>> {
  const groupId = `conversation-watch-${hostname()}-${randomBytes(4).toString('hex')}`;
  const start = await kafka.startGroupAtEnd(groupId, Topics.conversationEvents);
  const vector: number[] = [];
  for (const { partition, offset } of start) vector[partition] = offset;
  hub.begin(Array.from(vector, (offset) => offset ?? 0));
  return kafka.consume(groupId, {
    topic: Topics.conversationEvents,
    type: ConversationEventType,
    handle: async (events) => {
      for (const [index, event] of events.entries()) {
        hub.publish(event.partition, Number(event.offset), event.value);
        if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      }
    },
  });
}
