import { Channel, DeliveryState, type OutboundMessage, OutboundMessageType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { Logger } from '@omni/logging';
import type { OutboundSender } from '../../domain/outbound-sender';

/** Consumer groups are named after the service (DESIGN.md). */
export const OUTBOUND_GROUP = 'ingest-email';

/**
 * Sends the email replies on omni.outbound.v1; other channels' messages belong
 * to ingest-social and are passed over (and committed with the batch).
 * Messages of a batch are handled in order: one partition holds whole
 * conversations, and a conversation's replies must leave in the order written.
 */
export function startOutboundConsumer(deps: {
  kafka: KafkaClient;
  sender: OutboundSender;
  logger: Logger;
}): Promise<EventConsumer<OutboundMessage>> {
  const { kafka, sender, logger } = deps;
  return kafka.consume(OUTBOUND_GROUP, {
    topic: Topics.outbound,
    type: OutboundMessageType,
    // A relay outage retries the batch; the pause between tries stays well inside the 30 s session timeout.
    backoff: { initialMs: 500, maxMs: 8_000 },
    // A new group starts at the oldest reply: replies written before its first start must go out, and the
    // send log keeps anything already sent from going out twice.
    fromBeginning: true,
    partitionsConsumedConcurrently: 3,
    handle: async (events) => {
      for (const event of events) {
        const message = event.value;
        if (message.channel !== Channel.CHANNEL_EMAIL) continue;
        const status = await sender.deliver(message);
        logger.info(
          {
            messageId: message.id,
            conversationId: message.conversationId,
            tenantId: message.tenantId,
            channelMessageId: status.channelMessageId,
            state: DeliveryState[status.state],
            reason: status.reason || undefined,
          },
          'outbound mail handled',
        );
      }
    },
  });
}
