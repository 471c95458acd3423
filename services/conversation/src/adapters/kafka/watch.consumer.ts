import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConversationEventType, Topics } from '@omni/contracts';
import type { KafkaClient } from '@omni/kafka';
import type { Logger } from '@omni/logging';
import type { WatchHub } from '../../application/watch-hub';

/** Hands subscribers the event loop this often within a large batch, so a burst is not taken as lag. */
const YIELD_EVERY = 64;

/**
 * Feeds the hub every partition of omni.conversation-events.v1. Each replica needs every event,
 * so it reads in a group of its own, named per process and started at the topic's end; the
 * start offsets are fixed before the first fetch, so the hub knows exactly what it holds. The group
 * is deleted when the consumer stops: no other process will ever use it.
 */
export async function consumeForWatch(
  kafka: KafkaClient,
  hub: WatchHub,
  logger: Logger,
): Promise<{ stop(): Promise<void> }> {
  const groupId = `conversation-watch-${hostname()}-${randomBytes(4).toString('hex')}`;
  const start = await kafka.startGroupAtEnd(groupId, Topics.conversationEvents);
  const vector: number[] = [];
  for (const { partition, offset } of start) vector[partition] = offset;
  hub.begin(Array.from(vector, (offset) => offset ?? 0));
  logger.info({ groupId, start: vector }, 'watch hub reading conversation events');
  const consumer = await kafka.consume(groupId, {
    topic: Topics.conversationEvents,
    type: ConversationEventType,
    handle: async (events) => {
      for (const [index, event] of events.entries()) {
        hub.publish(event.partition, Number(event.offset), event.value);
        if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      }
    },
  });
  return {
    async stop() {
      await consumer.stop();
      // Bounded like the other shutdown steps: Kafka expires an abandoned group by itself.
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3_000).unref());
      const outcome = await Promise.race([kafka.deleteGroup(groupId).then(() => 'deleted' as const), timeout]).catch(
        (error: unknown) => {
          logger.warn({ err: error, groupId }, 'could not delete the watch consumer group; Kafka expires it later');
          return 'failed' as const;
        },
      );
      if (outcome === 'timeout')
        logger.warn({ groupId }, 'deleting the watch consumer group timed out; Kafka expires it');
    },
  };
}
