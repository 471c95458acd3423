import { randomBytes } from 'node:crypto';
import type { Store } from '@omni/store';
import { type ConversationWrites, conversationWritesOf } from './conversation-writes';
import { Collections, type ConversationDocument } from './documents';

/**
 * A fresh `timelineMark` for a conversation update. Every update of a
 * conversation document sets one, and every change of its timeline (a message
 * stored, moved or given a delivery state; a note; a system event) is followed
 * by one, so a timeline page read after seeing a mark holds every change whose
 * write came before it. Random rather than counted: FerretDB v1 can let one
 * concurrent update overwrite another, which could put a counter back to a value
 * it held before, whereas the mark that survives is always newer than every
 * write it overwrote.
 */
export function freshTimelineMark(): { timelineMark: string } {
  return { timelineMark: randomBytes(12).toString('base64url') };
}

/** Sets a fresh timeline mark on conversations whose timeline changed without another update of theirs. */
export class TimelineMarksRepository {
  private readonly writes: ConversationWrites;

  constructor(private readonly store: Store) {
    this.writes = conversationWritesOf(store);
  }

  private get conversations() {
    return this.store.collection<ConversationDocument>(Collections.conversations);
  }

  /** One `_id` update each (FerretDB v1 scans for `_id: {$in}`); ids may repeat or be empty. */
  async touch(tenantId: string, conversationIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(conversationIds)].filter(Boolean);
    const mark = (_id: string) => this.conversations.updateOne({ _id, tenantId }, { $set: freshTimelineMark() });
    await Promise.all(ids.map((_id) => this.writes.run(_id, () => mark(_id))));
  }
}
