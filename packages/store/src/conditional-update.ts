import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import sift from 'sift';

export interface ConditionalUpdateResult {
  matchedCount: number;
  modifiedCount: number;
}

/**
 * Updates the document `_id` if it meets `condition` (a query on its other
 * fields). On MongoDB this is the usual atomic `updateOne({_id, ...condition})`.
 * FerretDB v1 answers any filter other than `_id` alone by decoding every
 * document of the collection in Go, then writes the matches back by `_id`,
 * without isolation between the two (docs/architecture.md). There the document
 * is read by `_id` alone, `condition` is evaluated on it with MongoDB's query
 * semantics (sift), and the update is written by `_id`: the same steps and the
 * same (absent) isolation, without the scan.
 */
export async function updateWhere<T extends Document & { _id: string }>(
  collection: Collection<T>,
  id: string,
  condition: Filter<T>,
  update: UpdateFilter<T>,
  readFirst: boolean,
): Promise<ConditionalUpdateResult> {
  const byId = { _id: id } as Filter<T>;
  if (!readFirst) {
    const { matchedCount, modifiedCount } = await collection.updateOne({ ...byId, ...condition }, update);
    return { matchedCount, modifiedCount };
  }
  const current = await collection.findOne(byId);
  if (!current || !sift(condition as Record<string, unknown>)(current)) return { matchedCount: 0, modifiedCount: 0 };
  const { matchedCount, modifiedCount } = await collection.updateOne(byId, update);
  return { matchedCount, modifiedCount };
}
