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
      // An insert, the cheap write: a decision id is new unless a replica or a retry took the same decision.
      await this.decisions.insertOne(decision);
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.decisions.replaceOne({ _id: decision._id }, decision);
    }
  }

  get(tenantId: string, decisionId: string): Promise<DecisionDocument | null> {
    return this.decisions.findOne({ _id: decisionId, tenantId });
  }
}
