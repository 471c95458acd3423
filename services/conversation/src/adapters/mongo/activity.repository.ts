import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import { type ActivityDocument, Collections } from './documents';

/** Timeline position: (at, recordedAt, _id), the same shape as a message's (sentAt, receivedAt, _id). */
export interface TimelineCursor {
  at: Date;
  recordedAt: Date;
  id: string;
}

/** Internal notes and system events of a conversation's timeline. */
export class ActivityRepository {
  constructor(private readonly store: Store) {}

  private get activities() {
    return this.store.collection<ActivityDocument>(Collections.activities);
  }

  /** Idempotent by `_id`: a replayed event or a retried note stores one entry; false when it existed. */
  async insert(doc: ActivityDocument): Promise<boolean> {
    try {
      await this.activities.insertOne(doc);
      return true;
    } catch (error: unknown) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findById(tenantId: string, id: string): Promise<ActivityDocument | null> {
    return findOwned(this.activities, tenantId, id);
  }

  /** Oldest first by (at, recordedAt, _id). */
  list(tenantId: string, conversationId: string, after: TimelineCursor | undefined, limit: number) {
    const query: Record<string, unknown> = { tenantId, conversationId };
    if (after) {
      query.$or = [
        { at: { $gt: after.at } },
        { at: after.at, recordedAt: { $gt: after.recordedAt } },
        { at: after.at, recordedAt: after.recordedAt, _id: { $gt: after.id } },
      ];
    }
    return this.activities.find(query).sort({ at: 1, recordedAt: 1, _id: 1 }).limit(limit).toArray();
  }
}
