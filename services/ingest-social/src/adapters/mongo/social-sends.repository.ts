import type { OutboundMessage } from '@omni/contracts';
import { UnavailableError } from '@omni/errors';
import { isDuplicateKeyError, type Store, withStoreRetry } from '@omni/store';
import type { SendClaim, SendLog } from '../../domain/social-sender';

export const SOCIAL_SENDS = 'social_sends';

interface SendDocument {
  /** The OutboundMessage id: the unique key that makes sending idempotent. */
  _id: string;
  tenantId: string;
  conversationId: string;
  inboxId: string;
  state: 'sending' | 'sent' | 'failed';
  attempts: number;
  claimedAt: Date;
  /** Platform ids of the parts already sent, so a retry continues after them. */
  sentParts: string[];
  channelMessageId?: string;
  reason?: string;
  finishedAt?: Date;
}

/**
 * `social_sends`: claimed before the platform call, finished after it, single-document
 * writes only. What it cannot close: a crash (or a lost answer) between the platform
 * accepting a part and its record being written sends that part again on redelivery.
 */
export class SocialSendsRepository implements SendLog {
  constructor(private readonly store: Store) {}

  private get sends() {
    return this.store.collection<SendDocument>(SOCIAL_SENDS);
  }

  async claim(message: OutboundMessage, at: Date): Promise<SendClaim> {
    try {
      await this.sends.insertOne({
        _id: message.id,
        tenantId: message.tenantId,
        conversationId: message.conversationId,
        inboxId: message.inboxId,
        state: 'sending',
        attempts: 1,
        claimedAt: at,
        sentParts: [],
      });
      return { state: 'claimed', sentParts: [] };
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const earlier = await this.sends.findOne({ _id: message.id });
    if (!earlier) throw new UnavailableError(`send record ${message.id} vanished while being claimed`);
    if (earlier.state === 'sent')
      return { state: 'sent', channelMessageId: earlier.channelMessageId ?? '', at: earlier.finishedAt ?? at };
    if (earlier.state === 'failed')
      return { state: 'failed', reason: earlier.reason ?? 'failed', at: earlier.finishedAt ?? at };
    await this.sends.updateOne({ _id: message.id }, { $inc: { attempts: 1 }, $set: { claimedAt: at } });
    return { state: 'claimed', sentParts: earlier.sentParts ?? [] };
  }

  // Retried in place: failing after the platform accepted is what would make a redelivery send again.
  async markParts(messageId: string, sentParts: readonly string[]): Promise<void> {
    await withStoreRetry(() => this.sends.updateOne({ _id: messageId }, { $set: { sentParts: [...sentParts] } }), {
      attempts: 6,
    });
  }

  async markSent(messageId: string, channelMessageId: string, at: Date): Promise<void> {
    await withStoreRetry(
      () => this.sends.updateOne({ _id: messageId }, { $set: { state: 'sent', channelMessageId, finishedAt: at } }),
      { attempts: 6 },
    );
  }

  async markFailed(messageId: string, reason: string, at: Date): Promise<void> {
    await withStoreRetry(() =>
      this.sends.updateOne({ _id: messageId }, { $set: { state: 'failed', reason, finishedAt: at } }),
    );
  }
}
