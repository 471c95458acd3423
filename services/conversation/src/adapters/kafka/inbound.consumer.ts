import { InboundMessageType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { InboundMessageHandler } from '../../application/inbound-message.handler';

/**
 * omni.inbound.v1 in group 'conversation'. Messages of a batch are handled in
 * order: one key (a customer's channel identity) must be threaded in sequence.
 */
export function consumeInbound(kafka: KafkaClient, handler: InboundMessageHandler): Promise<EventConsumer<unknown>> {
  return kafka.consume('conversation', {
    topic: Topics.inbound,
    type: InboundMessageType,
    fromBeginning: true,
    // Partitions are independent (a customer's messages share one); handling several at
    // once keeps the store busy while another partition waits on a round trip.
    partitionsConsumedConcurrently: 6,
    handle: async (events, info) => {
      for (const event of events) {
        await handler.handle(event.value);
        // A long batch (a slow store) must not outlast the session timeout and get the member evicted.
        await info.heartbeat();
      }
    },
  }) as Promise<EventConsumer<unknown>>;
}
