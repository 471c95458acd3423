import { type DeliveryStatus, DeliveryStatusType, InboundMessageType, Topics } from '@omni/contracts';
import { type KafkaClient, PublishTimeoutError } from '@omni/kafka';
import type { ReadyInbound } from '../../domain/inbound-message';
import type { InboundPublisher } from '../../domain/social-ingest';

/**
 * Inbound messages (key: tenant, channel, sender; event id = message id) and
 * WhatsApp statuses (key: wamid). Bounded by its own timeout, below the
 * platforms' webhook patience, so they hear 503 and retry.
 */
export class KafkaInboundPublisher implements InboundPublisher {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly timeoutMs: number,
  ) {}

  async publish(messages: readonly ReadyInbound[], statuses: readonly DeliveryStatus[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(Topics.inbound, this.timeoutMs)), this.timeoutMs);
    });
    const published = (async () => {
      const producer = await this.kafka.producer();
      await Promise.all([
        producer.publish(
          InboundMessageType,
          Topics.inbound,
          messages.map((m) => ({ key: m.key, value: m.message, eventId: m.message.id })),
        ),
        producer.publish(
          DeliveryStatusType,
          Topics.delivery,
          statuses.map((s) => ({ key: s.channelMessageId, value: s, eventId: s.id })),
        ),
      ]);
    })();
    try {
      await Promise.race([published, timeout]);
    } finally {
      clearTimeout(timer);
      // A late acknowledgement is harmless (the retry publishes the same ids); a late failure was already answered 503.
      published.catch(() => undefined);
    }
  }
}
