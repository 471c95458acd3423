import { DeliveryStatusType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { Logger } from '@omni/logging';
import type { DeliveryStatusHandler } from '../../application/delivery-status.handler';

/**
 * omni.delivery.v1: moves an outbound message's delivery state forward. A DSN
 * bounce knows only our Message-ID (channelMessageId, messageId empty), a platform
 * status only the platform's id; a status that overtook our SENT is held until it arrives.
 */
export function consumeDelivery(
  kafka: KafkaClient,
  handler: DeliveryStatusHandler,
  logger: Logger,
): Promise<EventConsumer<unknown>> {
  // A group of its own: kafkajs assigns partitions as if every member of a group had the same subscription.
  return kafka.consume('conversation-delivery', {
    topic: Topics.delivery,
    type: DeliveryStatusType,
    fromBeginning: true,
    handle: async (events) => {
      for (const { value } of events) {
        const outcome = await handler.handle(value);
        logger.debug(
          { statusId: value.id, messageId: value.messageId, state: value.state, outcome },
          'delivery status',
        );
      }
    },
  }) as Promise<EventConsumer<unknown>>;
}
