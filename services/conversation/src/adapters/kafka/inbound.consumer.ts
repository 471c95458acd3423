import { InboundMessageType, Topics } from '@omni/contracts';
import { type EventConsumer, inKeyOrder, type KafkaClient } from '@omni/kafka';
import type { InboundMessageHandler } from '../../application/inbound-message.handler';

/**
 * omni.inbound.v1 in group 'conversation'. A key is a customer's channel
 * identity, so its messages are threaded one after another, in order; the
 * messages of other senders in the same batch go side by side, `keyConcurrency`
 * at a time (each message is several store round trips).
 */
export function consumeInbound(
  kafka: KafkaClient,
  handler: InboundMessageHandler,
  keyConcurrency: number,
): Promise<EventConsumer<unknown>> {
  return kafka.consume('conversation', {
    topic: Topics.inbound,
    type: InboundMessageType,
    fromBeginning: true,
    partitionsConsumedConcurrently: 6,
    handle: (events, info) =>
      inKeyOrder(events, keyConcurrency, async (event) => {
        await handler.handle(event.value);
        // A long batch (a slow store) must not outlast the session timeout and get the member evicted.
        await info.heartbeat();
      }),
  }) as Promise<EventConsumer<unknown>>;
}
