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
    handle: async (events) => {
      for (const event of events) await handler.handle(event.value);
    },
  }) as Promise<EventConsumer<unknown>>;
}
