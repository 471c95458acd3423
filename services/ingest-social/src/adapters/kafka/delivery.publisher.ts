import { type DeliveryStatus, DeliveryStatusType, Topics } from '@omni/contracts';
import type { KafkaClient } from '@omni/kafka';
import type { DeliveryPublisher } from '../../domain/social-sender';

/** Delivery statuses of our sends, keyed by conversation so one conversation's statuses stay in order. */
export class KafkaDeliveryPublisher implements DeliveryPublisher {
  constructor(private readonly kafka: KafkaClient) {}

  async publish(status: DeliveryStatus): Promise<void> {
    const producer = await this.kafka.producer();
    const key = status.conversationId || status.channelMessageId || status.messageId;
    await producer.publish(DeliveryStatusType, Topics.delivery, [{ key, value: status, eventId: status.id }]);
  }
}
