import {
  ConversationSummary,
  Customer,
  CustomerMerge,
  MergeState,
  SuggestedMerge,
  SuggestionStatus,
} from '@omni/contracts';
import type { CustomerView } from '../../application/customer.service';
import type { ConversationDocument } from '../mongo/documents';
import type { MergeDocument, SuggestionDocument } from '../mongo/merge-documents';

const MERGE_STATES: Record<MergeDocument['state'], MergeState> = {
  running: MergeState.MERGE_STATE_RUNNING,
  done: MergeState.MERGE_STATE_DONE,
  splitting: MergeState.MERGE_STATE_SPLITTING,
  split: MergeState.MERGE_STATE_SPLIT,
};

const SUGGESTION_STATUSES: Record<SuggestionDocument['status'], SuggestionStatus> = {
  open: SuggestionStatus.SUGGESTION_STATUS_OPEN,
  dismissed: SuggestionStatus.SUGGESTION_STATUS_DISMISSED,
  merged: SuggestionStatus.SUGGESTION_STATUS_MERGED,
};

export function toCustomer({ customer, identities }: CustomerView): Customer {
  return Customer.fromPartial({
    id: customer._id,
    displayName: customer.displayName,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    identities: identities.map((doc) => ({
      identity: { kind: doc.kind, value: doc.value },
      verified: doc.verified,
      source: doc.source,
      evidence: doc.evidence ?? '',
      linkedAt: doc.linkedAt ?? doc.createdAt,
    })),
  });
}

export function toConversationSummary(doc: ConversationDocument): ConversationSummary {
  return ConversationSummary.fromPartial({
    id: doc._id,
    status: doc.status,
    subject: doc.subject,
    channels: doc.channels,
    lastMessageAt: doc.lastMessageAt,
    messageCount: doc.messageCount,
    mergedInto: doc.mergedInto ?? '',
  });
}

export function toCustomerMerge(doc: MergeDocument): CustomerMerge {
  return CustomerMerge.fromPartial({
    id: doc._id,
    winnerCustomerId: doc.winnerId,
    loserCustomerId: doc.loserId,
    state: MERGE_STATES[doc.state],
    movedIdentities: doc.movedIdentities.map(({ kind, value }) => ({ kind, value })),
    movedConversationIds: doc.movedConversationIds,
    survivingConversationId: doc.thread?.survivorId ?? '',
    mergedConversationId: doc.thread?.mergedId ?? '',
    createdAt: doc.createdAt,
    ...(doc.completedAt && { completedAt: doc.completedAt }),
    ...(doc.splitAt && { splitAt: doc.splitAt }),
  });
}

export function toSuggestedMerge(doc: SuggestionDocument): SuggestedMerge {
  return SuggestedMerge.fromPartial({
    id: doc._id,
    customerId: doc.customerId,
    otherCustomerId: doc.otherCustomerId,
    reason: doc.reason,
    evidence: doc.evidence,
    status: SUGGESTION_STATUSES[doc.status],
    createdAt: doc.createdAt,
  });
}
