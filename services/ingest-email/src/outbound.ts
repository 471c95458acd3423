import type { baseEnv, ChannelsConfig } from '@omni/config';
import { DeliveryStatusType, Topics } from '@omni/contracts';
import type { ServiceRuntime } from '@omni/runtime';
import { z } from 'zod';
import { startOutboundConsumer } from './adapters/kafka/outbound.consumer';
import { type AttachmentSource, SmtpRelay } from './adapters/smtp/outbound-relay';
import { OutboundSendsRepository } from './adapters/smtp/outbound-sends.repository';
import { OutboundSender } from './domain/outbound-sender';

/**
 * The outbound side's variables, for the service env (`baseEnv.extend(outboundEnv.shape)`).
 * SMTP_RELAY_URL: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`;
 * percent-encode reserved characters in the credentials. Only the host is ever logged.
 */
export const outboundEnv = z.object({
  SMTP_RELAY_URL: z.url({ protocol: /^smtps?$/, hostname: z.regexes.hostname }),
});

export interface EmailOutbound {
  /** Stops consuming (the batch in hand finishes), then closes the relay's pooled connections. */
  stop(): Promise<void>;
}

/**
 * Sends the replies on omni.outbound.v1 that are for email through the SMTP
 * relay and reports each as a DeliveryStatus on omni.delivery.v1. Call after
 * `runtime.start()`; the runtime's shutdown stops the consumer too, and
 * `stop()` may run before or after it.
 */
export async function startEmailOutbound<S extends typeof baseEnv>(deps: {
  runtime: ServiceRuntime<S>;
  channels: ChannelsConfig;
  relayUrl: string;
  /** Where the replies' attachments are read from. */
  blobs: AttachmentSource;
}): Promise<EmailOutbound> {
  const { runtime, channels } = deps;
  const logger = runtime.logger.child({ component: 'email-outbound' });
  const relay = new SmtpRelay(deps.relayUrl, logger, { attachments: deps.blobs });
  try {
    const producer = await runtime.kafka.producer();
    const sender = new OutboundSender({
      channels,
      log: new OutboundSendsRepository(runtime.store),
      relay,
      publish: (status) =>
        producer.publish(DeliveryStatusType, Topics.delivery, [
          { key: status.conversationId, value: status, eventId: status.id },
        ]),
    });
    const consumer = await startOutboundConsumer({ kafka: runtime.kafka, sender, logger });
    logger.info({ relay: relay.host }, 'email outbound started');
    return {
      stop: async () => {
        await consumer.stop();
        relay.close();
      },
    };
  } catch (error: unknown) {
    relay.close();
    throw error;
  }
}
