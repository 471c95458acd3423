import type { Logger } from '@omni/logging';
import { isDuplicateKeyError, type Store } from '@omni/store';

interface TokenDocument {
  _id: string;
  at: Date;
}

export const MAILGUN_TOKENS = 'mailgun_webhook_tokens';

/**
 * Tokens of Mailgun webhooks already accepted, so a captured request cannot be
 * replayed within its five minutes. The unique _id settles concurrent replays;
 * old tokens are pruned now and then (FerretDB has no TTL indexes).
 */
export class MailgunTokensRepository {
  private lastPrune = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly keepMs = 15 * 60_000,
  ) {}

  private get tokens() {
    return this.store.collection<TokenDocument>(MAILGUN_TOKENS);
  }

  /** True when the token was unused and is now taken; false when it was seen before. */
  async claim(token: string, now = new Date()): Promise<boolean> {
    this.pruneNowAndThen(now);
    try {
      await this.tokens.insertOne({ _id: token, at: now });
      return true;
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Gives a token back when its request failed for a reason the sender's retry may overcome. */
  async release(token: string): Promise<void> {
    await this.tokens.deleteOne({ _id: token });
  }

  private pruneNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPrune < 60_000) return;
    this.lastPrune = now.getTime();
    this.tokens.deleteMany({ at: { $lt: new Date(now.getTime() - this.keepMs) } }).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'pruning old mailgun tokens failed; will try again');
    });
  }
}
