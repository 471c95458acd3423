import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import { type ActivityDocument, Collections } from './documents';
import { TimelineMarksRepository } from './timeline-marks.repository';

/** Timeline position: (at, recordedAt, _id), the same shape as a message's (sentAt, receivedAt, _id). */
export interface TimelineCursor {
  at: Date;
  recordedAt: Date;
  id: string;
}

/** Internal notes and system events of a conversation's timeline. */
export class ActivityRepository {
  private readonly marks: TimelineMarksRepository;

  constructor(private readonly store: Store) {
    this.marks = new TimelineMarksRepository(store);
  }

  private get activities() {
    return this.store.collection<ActivityDocument>(Collections.activities);
  }

  /** Idempotent by `_id`: a replayed event or a retried note stores one entry; false when it existed. */
  async insert(doc: ActivityDocument): Promise<boolean> {
    let inserted = true;
    try {
      await this.activities.insertOne(doc);
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      inserted = false;
    }
    // Also after a duplicate: the first attempt may have stopped between the insert and the mark.
    await this.marks.touch(doc.tenantId, [doc.conversationId]);
    return inserted;
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
