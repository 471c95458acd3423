import type { ChannelsConfig } from '@omni/config';
import { Channel, DeliveryState, DeliveryStatus, deterministicId, type OutboundMessage } from '@omni/contracts';
import { buildOutboundMail, findEmailInbox, type OutboundMail, UndeliverableError } from './outbound-mail';

/** What the send log remembers of a finished message: enough to answer a redelivery without sending again. */
export interface FinishedSend {
  state: 'sent' | 'failed';
  messageIdHeader: string;
  reason: string;
  at: Date;
}

export interface SendClaim {
  messageId: string;
  tenantId: string;
  conversationId: string;
  messageIdHeader: string;
  at: Date;
}

export interface SendLog {
  /** Records that a send starts; returns the earlier record when the message was already sent or failed. */
  claim(claim: SendClaim): Promise<FinishedSend | undefined>;
  markSent(messageId: string, at: Date, relayResponse: string): Promise<void>;
  markFailed(messageId: string, at: Date, reason: string): Promise<void>;
}

export interface MailRelay {
  /** Resolves once the relay accepted the mail; throws UndeliverableError when it refused it for good. */
  send(mail: OutboundMail): Promise<{ response: string }>;
}

export type StatusPublisher = (status: DeliveryStatus) => Promise<void>;

/**
 * Sends one OutboundMessage at most once per successful relay hand-over and
 * reports the outcome as a DeliveryStatus.
 *
 * The claim → send → mark sequence leaves one at-least-once window: a crash
 * (or a lost database) after the relay answered 250 and before `markSent`
 * leaves the claim in 'sending', and the redelivery sends the mail again. The
 * copy carries the same Message-ID, so mail clients and our own inbound
 * threading see one message. Closing the window would need the relay to dedupe
 * by Message-ID, which SMTP relays do not offer.
 */
export class OutboundSender {
  constructor(
    private readonly deps: {
      channels: ChannelsConfig;
      log: SendLog;
      relay: MailRelay;
      publish: StatusPublisher;
      now?: () => Date;
    },
  ) {}

  async deliver(message: OutboundMessage): Promise<DeliveryStatus> {
    const now = this.deps.now ?? (() => new Date());
    let mail: OutboundMail;
    try {
      mail = buildOutboundMail(message, findEmailInbox(this.deps.channels, message.tenantId, message.inboxId), now);
    } catch (error: unknown) {
      if (!(error instanceof UndeliverableError)) throw error;
      return this.report(message, '', { state: 'failed', reason: error.reason, at: now() });
    }

    const earlier = await this.deps.log.claim({
      messageId: message.id,
      tenantId: message.tenantId,
      conversationId: message.conversationId,
      messageIdHeader: mail.messageId,
      at: now(),
    });
    // A redelivery of a finished message only repeats its status (same event id, consumers dedupe).
    if (earlier) return this.report(message, earlier.messageIdHeader, earlier);

    try {
      const { response } = await this.deps.relay.send(mail);
      const at = now();
      await this.deps.log.markSent(message.id, at, response);
      return this.report(message, mail.messageId, { state: 'sent', reason: '', at });
    } catch (error: unknown) {
      if (!(error instanceof UndeliverableError)) throw error;
      const at = now();
      await this.deps.log.markFailed(message.id, at, error.reason);
      return this.report(message, mail.messageId, { state: 'failed', reason: error.reason, at });
    }
  }

  private async report(
    message: OutboundMessage,
    channelMessageId: string,
    outcome: { state: 'sent' | 'failed'; reason: string; at: Date },
  ): Promise<DeliveryStatus> {
    const status = deliveryStatus(message, channelMessageId, outcome);
    await this.deps.publish(status);
    return status;
  }
}

/** The contract's DeliveryStatus: id from (message id, state), so a repeated report is the same event. */
export function deliveryStatus(
  message: OutboundMessage,
  channelMessageId: string,
  outcome: { state: 'sent' | 'failed'; reason: string; at: Date },
): DeliveryStatus {
  return DeliveryStatus.fromPartial({
    id: deterministicId('dlv', message.id, outcome.state),
    tenantId: message.tenantId,
    messageId: message.id,
    conversationId: message.conversationId,
    channel: Channel.CHANNEL_EMAIL,
    channelMessageId,
    state: outcome.state === 'sent' ? DeliveryState.DELIVERY_STATE_SENT : DeliveryState.DELIVERY_STATE_FAILED,
    reason: outcome.reason,
    // Only permanent failures are reported; transient ones are retried until the relay takes the mail.
    retryable: false,
    occurredAt: outcome.at,
  });
}
