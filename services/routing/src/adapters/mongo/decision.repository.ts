import { isDuplicateKeyError, type Store } from '@omni/store';
import type { Collection } from 'mongodb';
import { Collections, type DecisionDocument } from './documents';

/** Every routing decision with its reasons, for ExplainAssignment and audits. */
export class DecisionRepository {
  private readonly decisions: Collection<DecisionDocument>;

  constructor(store: Store) {
    this.decisions = store.collection<DecisionDocument>(Collections.decisions);
  }

  /** Idempotent: the id is derived from the conversation, its route version and the outcome. */
  async save(decision: DecisionDocument): Promise<void> {
    try {
      await this.decisions.replaceOne({ _id: decision._id }, decision, { upsert: true });
    } catch (error: unknown) {
      // Two replicas upserting the same decision at once: the second insert loses; replace what the first wrote.
      if (!isDuplicateKeyError(error)) throw error;
      await this.decisions.replaceOne({ _id: decision._id }, decision);
    }
  }

  get(tenantId: string, decisionId: string): Promise<DecisionDocument | null> {
    return this.decisions.findOne({ _id: decisionId, tenantId });
  }
}
