import type { IdentityKind } from '@omni/contracts';
import type { MergeStep } from '../../domain/merge-plan';

export const MergeCollections = {
  merges: 'merges',
  /** `_id` = `${tenant}:${customer}`: the merge (or split) that holds the customer; inserted, so one at a time. */
  mergeLocks: 'merge_locks',
  suggestedMerges: 'suggested_merges',
} as const;

/** An identity the merge moved, with the link it had before, so a split restores it exactly. */
export interface MovedIdentity {
  key: string;
  kind: IdentityKind;
  value: string;
  verified: boolean;
  source: string;
  evidence: string;
  linkedAt: Date;
}

export type MergeState = 'running' | 'done' | 'splitting' | 'split';

/**
 * One merge, `_id` = the merge id. It drives a resumable sequence of
 * single-document steps (`step`): whoever retries the merge continues from
 * where the last attempt stopped, and every step is idempotent. It also
 * records exactly what moved, which is what a split undoes.
 */
export interface MergeDocument {
  _id: string;
  tenantId: string;
  winnerId: string;
  loserId: string;
  state: MergeState;
  step: MergeStep;
  movedIdentities: MovedIdentity[];
  /** The loser's conversations that now belong to the winner (thread survivor included when it was the loser's). */
  movedConversationIds: string[];
  /** Both had an open thread: `mergedId` went into `survivorId` (the older one). */
  thread?: { survivorId: string; mergedId: string };
  /**
   * Further folds made on the merge's behalf: a conversation given to the winner met an open
   * thread the winner took meanwhile (a message raced the merge), or a message that raced it
   * brought one of the loser's threads in later. Recorded before each fold, so a split undoes it.
   */
  folds?: Array<{ survivorId: string; mergedId: string }>;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
  splitAt?: Date;
}

export interface MergeLockDocument {
  _id: string;
  tenantId: string;
  mergeId: string;
  createdAt: Date;
}

export type SuggestionStatus = 'open' | 'dismissed' | 'merged';

/** Two customers that look like one person but hold conflicting ids; `_id` derives from the (sorted) pair. */
export interface SuggestionDocument {
  _id: string;
  tenantId: string;
  customerId: string;
  otherCustomerId: string;
  reason: string;
  evidence: string;
  status: SuggestionStatus;
  createdAt: Date;
  updatedAt: Date;
}
