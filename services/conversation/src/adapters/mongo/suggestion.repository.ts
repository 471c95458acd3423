import { deterministicId } from '@omni/contracts';
import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import { MergeCollections, type SuggestionDocument, type SuggestionStatus } from './merge-documents';

export interface SuggestionCursor {
  createdAt: Date;
  id: string;
}

export function suggestionIdOf(tenantId: string, a: string, b: string): string {
  const [first, second] = [a, b].sort();
  return deterministicId('sug', tenantId, first as string, second as string);
}

/** Suggested merges: one per pair of customers, whoever noticed it first and however often. */
export class SuggestionRepository {
  constructor(private readonly store: Store) {}

  private get suggestions() {
    return this.store.collection<SuggestionDocument>(MergeCollections.suggestedMerges);
  }

  findById(tenantId: string, id: string): Promise<SuggestionDocument | null> {
    return findOwned(this.suggestions, tenantId, id);
  }

  /** Records the suggestion unless the pair has one already (then that one is returned, as it stands). */
  async suggest(
    input: Pick<SuggestionDocument, 'tenantId' | 'customerId' | 'otherCustomerId' | 'reason' | 'evidence'>,
  ): Promise<SuggestionDocument> {
    const now = new Date();
    const doc: SuggestionDocument = {
      _id: suggestionIdOf(input.tenantId, input.customerId, input.otherCustomerId),
      ...input,
      status: 'open',
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.suggestions.insertOne(doc);
      return doc;
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.findById(input.tenantId, doc._id);
      if (!existing) throw error;
      return existing;
    }
  }

  async setStatus(tenantId: string, id: string, status: SuggestionStatus): Promise<void> {
    await this.suggestions.updateOne({ _id: id, tenantId }, { $set: { status, updatedAt: new Date() } });
  }

  /** Newest first; only open ones unless `includeClosed`. */
  list(tenantId: string, includeClosed: boolean, after: SuggestionCursor | undefined, limit: number) {
    const query: Record<string, unknown> = { tenantId };
    if (!includeClosed) query.status = 'open';
    if (after) {
      query.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    }
    return this.suggestions.find(query).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
  }
}
