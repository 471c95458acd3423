import { DeliveryStatusType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { Logger } from '@omni/logging';
import type { MessageRepository } from '../mongo/message.repository';

/**
 * omni.delivery.v1: moves an outbound message's delivery state forward. A DSN
 * bounce knows only our Message-ID (channelMessageId, messageId empty), so the
 * message is found by either. A status for no message of ours is logged and skipped.
 */
export function consumeDelivery(
  kafka: KafkaClient,
  messages: MessageRepository,
  logger: Logger,
): Promise<EventConsumer<unknown>> {
  // A group of its own: kafkajs assigns partitions as if every member of a group had the same subscription.
  return kafka.consume('conversation-delivery', {
    topic: Topics.delivery,
    type: DeliveryStatusType,
    fromBeginning: true,
    handle: async (events) => {
      for (const { value } of events) {
        const changed = await messages.applyDelivery({
          tenantId: value.tenantId,
          messageId: value.messageId,
          channelMessageId: value.channelMessageId,
          state: value.state,
          reason: value.reason,
        });
        logger.debug(
          { statusId: value.id, messageId: value.messageId, state: value.state, changed },
          'delivery status',
        );
      }
    },
  }) as Promise<EventConsumer<unknown>>;
}
