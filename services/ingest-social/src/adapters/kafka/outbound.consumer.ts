import { DeliveryState, type OutboundMessage, OutboundMessageType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { Logger } from '@omni/logging';
import type { SocialSender } from '../../domain/social-sender';

/** Consumer groups are named after the service (DESIGN.md). */
export const OUTBOUND_GROUP = 'ingest-social';

/**
 * Sends Messenger, Instagram, WhatsApp and Telegram replies from omni.outbound.v1;
 * email and unspecified channels belong elsewhere and are committed with the batch.
 * A batch (one partition) is handled in order, so a conversation's replies leave as written.
 */
export function startOutboundConsumer(deps: {
  kafka: KafkaClient;
  sender: SocialSender;
  logger: Logger;
}): Promise<EventConsumer<OutboundMessage>> {
  const { kafka, sender, logger } = deps;
  return kafka.consume(OUTBOUND_GROUP, {
    topic: Topics.outbound,
    type: OutboundMessageType,
    backoff: { initialMs: 500, maxMs: 8_000 },
    // A new group starts at the oldest reply; the send log keeps anything already sent from going out twice.
    fromBeginning: true,
    partitionsConsumedConcurrently: 3,
    handle: async (events) => {
      for (const event of events) {
        if (event.value.attachments.length > 0) {
          // Outbound media is not implemented yet: the text goes out alone, and ops should hear of it.
          logger.warn(
            { messageId: event.value.id, attachments: event.value.attachments.length },
            'outbound social attachments are not supported yet; sending the text only',
          );
        }
        const status = await sender.deliver(event.value);
        if (!status) continue;
        logger.info(
          {
            messageId: status.messageId,
            conversationId: status.conversationId,
            tenantId: status.tenantId,
            channelMessageId: status.channelMessageId || undefined,
            state: DeliveryState[status.state],
            reason: status.reason || undefined,
          },
          'outbound social message handled',
        );
      }
    },
  });
}
