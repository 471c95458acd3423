import { DeliveryState, DeliveryStatus, deterministicId, type OutboundMessage } from '@omni/contracts';
import type { InboxDirectory } from './inbox-directory';
import { buildSendRequests, type PlatformEndpoints, type PlatformRequest } from './outbound-request';
import { OUTSIDE_WINDOW_REASON, outsideWindowFallback, withinServiceWindow } from './service-window';
import { channelNameOf, senderIdentity } from './social-message';

export type SendClaim =
  | { state: 'sent'; channelMessageId: string; at: Date }
  | { state: 'failed'; reason: string; at: Date }
  /** Ours to send, skipping parts an earlier attempt already sent. */
  | { state: 'claimed'; sentParts: string[] };

export interface SendLog {
  claim(message: OutboundMessage, at: Date): Promise<SendClaim>;
  markParts(messageId: string, sentParts: readonly string[]): Promise<void>;
  markSent(messageId: string, channelMessageId: string, at: Date): Promise<void>;
  markFailed(messageId: string, reason: string, at: Date): Promise<void>;
}

export interface WindowReader {
  lastInboundAt(tenantId: string, channel: string, sender: string): Promise<Date | undefined>;
}

export interface PlatformTransport {
  /** Sent or refused for good; throws a transient error once its bounded retries are spent. */
  send(
    request: PlatformRequest,
  ): Promise<{ kind: 'sent'; channelMessageId: string } | { kind: 'failed'; reason: string }>;
}

export interface DeliveryPublisher {
  publish(status: DeliveryStatus): Promise<void>;
}

export interface SocialSenderDeps {
  directory: InboxDirectory;
  sends: SendLog;
  windows: WindowReader;
  transport: PlatformTransport;
  delivery: DeliveryPublisher;
  endpoints: PlatformEndpoints;
  now?: () => Date;
}

/**
 * Sends one reply on its platform, at most once per message id, and reports the
 * outcome as a DeliveryStatus. A redelivered message whose send was recorded
 * reports that outcome again instead of sending.
 */
export class SocialSender {
  private readonly now: () => Date;

  constructor(private readonly deps: SocialSenderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Returns the status reported, or undefined for messages of other channels. */
  async deliver(message: OutboundMessage): Promise<DeliveryStatus | undefined> {
    const channel = channelNameOf(message.channel);
    if (!channel) return undefined;
    const routed = this.deps.directory.inbox(message.inboxId);
    if (!routed || routed.inbox.channel !== channel || routed.tenantId !== message.tenantId) {
      return this.report(
        message,
        DeliveryState.DELIVERY_STATE_FAILED,
        '',
        `no ${channel} inbox ${message.inboxId} for this tenant`,
      );
    }
    if (message.text.trim() === '') {
      return this.report(message, DeliveryState.DELIVERY_STATE_FAILED, '', 'nothing to send: the reply has no text');
    }
    const claim = await this.deps.sends.claim(message, this.now());
    if (claim.state === 'sent')
      return this.report(message, DeliveryState.DELIVERY_STATE_SENT, claim.channelMessageId, '');
    if (claim.state === 'failed') return this.report(message, DeliveryState.DELIVERY_STATE_FAILED, '', claim.reason);
    const sent = [...claim.sentParts];
    let outsideWindow = false;
    if (sent.length === 0 && channel !== 'telegram' && !message.messageTag) {
      const sender = senderIdentity(channel, message.recipient?.identity?.value ?? '').value;
      const last = await this.deps.windows.lastInboundAt(message.tenantId, channel, sender);
      outsideWindow = !withinServiceWindow(last, this.now());
      // Past the window only the tenant's configured tag or template may go out.
      if (outsideWindow && !outsideWindowFallback(routed.inbox)) return this.fail(message, OUTSIDE_WINDOW_REASON);
    }
    const requests = buildSendRequests(message, routed.inbox, this.deps.endpoints, { outsideWindow });
    for (const request of requests.slice(sent.length)) {
      const outcome = await this.deps.transport.send(request);
      if (outcome.kind === 'failed') return this.fail(message, outcome.reason);
      sent.push(outcome.channelMessageId);
      if (requests.length > 1) await this.deps.sends.markParts(message.id, sent);
    }
    // A reply split into parts is known by its first part, the one that answers the customer's message.
    const channelMessageId = sent[0] ?? '';
    await this.deps.sends.markSent(message.id, channelMessageId, this.now());
    return this.report(message, DeliveryState.DELIVERY_STATE_SENT, channelMessageId, '');
  }

  private async fail(message: OutboundMessage, reason: string): Promise<DeliveryStatus> {
    await this.deps.sends.markFailed(message.id, reason, this.now());
    return this.report(message, DeliveryState.DELIVERY_STATE_FAILED, '', reason);
  }

  private async report(
    message: OutboundMessage,
    state: DeliveryState,
    channelMessageId: string,
    reason: string,
  ): Promise<DeliveryStatus> {
    const status = DeliveryStatus.fromPartial({
      id: deterministicId('dlv', message.id, DeliveryState[state]),
      tenantId: message.tenantId,
      messageId: message.id,
      conversationId: message.conversationId,
      channel: message.channel,
      channelMessageId,
      state,
      reason,
      retryable: false,
      occurredAt: this.now(),
    });
    await this.deps.delivery.publish(status);
    return status;
  }
}
