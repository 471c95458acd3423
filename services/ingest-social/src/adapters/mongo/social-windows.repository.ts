import { isDuplicateKeyError, type Store, withStoreRetry } from '@omni/store';
import type { WindowLog } from '../../domain/social-ingest';

export const SOCIAL_WINDOWS = 'social_windows';

interface WindowDocument {
  /** `${tenantId}:${channel}:${sender}` */
  _id: string;
  tenantId: string;
  channel: string;
  sender: string;
  lastInboundAt: Date;
}

/** The customer-service window per (tenant, channel, sender): the latest inbound time, only ever moved forward. */
export class SocialWindowsRepository implements WindowLog {
  constructor(private readonly store: Store) {}

  private get windows() {
    return this.store.collection<WindowDocument>(SOCIAL_WINDOWS);
  }

  async touch(keys: readonly { tenantId: string; channel: string; sender: string; at: Date }[]): Promise<void> {
    for (const key of keys) {
      if (key.channel === 'telegram' || key.sender === '') continue;
      const _id = windowId(key.tenantId, key.channel, key.sender);
      const update = () =>
        this.windows.updateOne(
          { _id },
          {
            $max: { lastInboundAt: key.at },
            $setOnInsert: { tenantId: key.tenantId, channel: key.channel, sender: key.sender },
          },
          { upsert: true },
        );
      await withStoreRetry(async () => {
        try {
          await update();
        } catch (error: unknown) {
          // Two first messages of one customer race to insert: the loser's update then finds the document.
          if (!isDuplicateKeyError(error)) throw error;
          await update();
        }
      });
    }
  }

  async lastInboundAt(tenantId: string, channel: string, sender: string): Promise<Date | undefined> {
    const doc = await this.windows.findOne({ _id: windowId(tenantId, channel, sender) });
    return doc?.lastInboundAt;
  }
}

export function windowId(tenantId: string, channel: string, sender: string): string {
  return `${tenantId}:${channel}:${sender}`;
}
