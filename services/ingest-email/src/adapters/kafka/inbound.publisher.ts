import { DeliveryStatusType, InboundMessageType, Topics } from '@omni/contracts';
import { type KafkaClient, PublishTimeoutError } from '@omni/kafka';
import type { InboundPublisher } from '../../domain/email-ingest';
import type { AssembledMail } from '../../domain/inbound-assembler';

/**
 * Publishes inbound messages (key: tenant, channel, sender) and bounce
 * statuses (key: the bounced Message-ID), event id = the entity's id. Bounded
 * by its own timeout, shorter than an SMTP client's patience, so the sender
 * hears 451 and retries instead of waiting on a broker that is down.
 */
export class KafkaInboundPublisher implements InboundPublisher {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly timeoutMs: number,
  ) {}

  async publish(mails: readonly AssembledMail[]): Promise<void> {
    const producer = await this.kafka.producer();
    const statuses = mails.flatMap((mail) => (mail.deliveryStatus ? [mail.deliveryStatus] : []));
    const published = Promise.all([
      producer.publish(
        InboundMessageType,
        Topics.inbound,
        mails.map((mail) => ({ key: mail.key, value: mail.message, eventId: mail.message.id })),
      ),
      producer.publish(
        DeliveryStatusType,
        Topics.delivery,
        statuses.map((status) => ({ key: status.channelMessageId, value: status, eventId: status.id })),
      ),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(Topics.inbound, this.timeoutMs)), this.timeoutMs);
    });
    try {
      await Promise.race([published, timeout]);
    } finally {
      clearTimeout(timer);
      // A late acknowledgement after the timeout is harmless (the retry publishes the same ids); a late failure is already reported.
      published.catch(() => undefined);
    }
  }
}
