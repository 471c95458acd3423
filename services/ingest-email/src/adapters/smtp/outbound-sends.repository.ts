import { UnavailableError } from '@omni/errors';
import { isDuplicateKeyError, type Store, withStoreRetry } from '@omni/store';
import type { FinishedSend, SendClaim, SendLog } from '../../domain/outbound-sender';

export const OUTBOUND_SENDS = 'outbound_sends';

interface SendDocument {
  /** The OutboundMessage id. */
  _id: string;
  tenantId: string;
  conversationId: string;
  messageIdHeader: string;
  state: 'sending' | 'sent' | 'failed';
  attempts: number;
  claimedAt: Date;
  sentAt?: Date;
  failedAt?: Date;
  relayResponse?: string;
  reason?: string;
}

/**
 * `outbound_sends`: one document per outbound message, keyed by its id, so
 * the unique `_id` is the idempotency key. Single-document writes only
 * (FerretDB has no transactions and needs none here).
 */
export class OutboundSendsRepository implements SendLog {
  constructor(private readonly store: Store) {}

  private get sends() {
    return this.store.collection<SendDocument>(OUTBOUND_SENDS);
  }

  async claim(claim: SendClaim): Promise<FinishedSend | undefined> {
    try {
      await this.sends.insertOne({
        _id: claim.messageId,
        tenantId: claim.tenantId,
        conversationId: claim.conversationId,
        messageIdHeader: claim.messageIdHeader,
        state: 'sending',
        attempts: 1,
        claimedAt: claim.at,
      });
      return undefined;
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const earlier = await this.sends.findOne({ _id: claim.messageId });
    if (!earlier) throw new UnavailableError(`send record ${claim.messageId} vanished while being claimed`);
    if (earlier.state === 'sent') {
      return { state: 'sent', messageIdHeader: earlier.messageIdHeader, reason: '', at: earlier.sentAt ?? claim.at };
    }
    if (earlier.state === 'failed') {
      const reason = earlier.reason ?? 'failed';
      return { state: 'failed', messageIdHeader: earlier.messageIdHeader, reason, at: earlier.failedAt ?? claim.at };
    }
    // Still 'sending': the earlier attempt ended before the relay accepted (or crashed right after): send again.
    await this.sends.updateOne(
      { _id: claim.messageId, state: 'sending' },
      { $inc: { attempts: 1 }, $set: { claimedAt: claim.at } },
    );
    return undefined;
  }

  // Retried in place for a few seconds: failing here after the relay's 250 is what would make the redelivery send twice.
  async markSent(messageId: string, at: Date, relayResponse: string): Promise<void> {
    await withStoreRetry(
      () => this.sends.updateOne({ _id: messageId }, { $set: { state: 'sent', sentAt: at, relayResponse } }),
      { attempts: 6 },
    );
  }

  async markFailed(messageId: string, at: Date, reason: string): Promise<void> {
    await withStoreRetry(() =>
      this.sends.updateOne({ _id: messageId }, { $set: { state: 'failed', failedAt: at, reason } }),
    );
  }
}
