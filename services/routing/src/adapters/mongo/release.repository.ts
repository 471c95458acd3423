import { isDuplicateKeyError, type Store } from '@omni/store';
import type { Collection } from 'mongodb';
import type { Release } from '../../domain/wait-estimate';
import { Collections, type ReleaseDocument, type SlotDocument } from './documents';

/** Capacity freed by resolutions, kept for the estimated wait (insert-only, one record per held slot). */
export class ReleaseRepository {
  private readonly releases: Collection<ReleaseDocument>;

  constructor(store: Store) {
    this.releases = store.collection<ReleaseDocument>(Collections.releases);
  }

  async record(slot: SlotDocument, now: Date): Promise<void> {
    try {
      await this.releases.insertOne({
        _id: `${slot._id}:${slot.conversationId}:${slot.claimedAt.getTime()}`,
        tenantId: slot.tenantId,
        agentId: slot.agentId,
        group: slot.group,
        releasedAt: now,
      });
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async since(tenantId: string, since: Date, limit = 10_000): Promise<Release[]> {
    const docs = await this.releases
      .find({ tenantId, releasedAt: { $gt: since } })
      .limit(limit)
      .toArray();
    return docs.map(({ agentId, group, releasedAt }) => ({ agentId, group, releasedAt }));
  }
}
