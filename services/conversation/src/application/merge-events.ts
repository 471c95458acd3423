import { ConversationEvent, CustomerEvent, deterministicId } from '@omni/contracts';
import type { ConversationDocument } from '../adapters/mongo/documents';
import type { MergeDocument } from '../adapters/mongo/merge-documents';

const identitiesOf = (merge: MergeDocument) => merge.movedIdentities.map(({ kind, value }) => ({ kind, value }));

/** CustomerMerged, with an id derived from the merge: a resumed merge re-emits the same event. */
export function customerMergedEvent(merge: MergeDocument): CustomerEvent {
  return CustomerEvent.fromPartial({
    id: deterministicId('evt', merge._id, 'customer_merged'),
    tenantId: merge.tenantId,
    customerId: merge.winnerId,
    occurredAt: merge.createdAt,
    kind: {
      $case: 'merged',
      value: {
        mergeId: merge._id,
        winnerCustomerId: merge.winnerId,
        loserCustomerId: merge.loserId,
        movedIdentities: identitiesOf(merge),
        movedConversationIds: merge.movedConversationIds,
        survivingConversationId: merge.thread?.survivorId ?? '',
        mergedConversationId: merge.thread?.mergedId ?? '',
      },
    },
  });
}

export function customerSplitEvent(merge: MergeDocument, at: Date): CustomerEvent {
  return CustomerEvent.fromPartial({
    id: deterministicId('evt', merge._id, 'customer_split'),
    tenantId: merge.tenantId,
    customerId: merge.winnerId,
    occurredAt: at,
    kind: {
      $case: 'split',
      value: {
        mergeId: merge._id,
        winnerCustomerId: merge.winnerId,
        loserCustomerId: merge.loserId,
        restoredIdentities: identitiesOf(merge),
        restoredConversationIds: merge.movedConversationIds,
      },
    },
  });
}

/** The surviving thread announces the thread folded into it (routing closes the merged one's work). */
export function conversationMergedEvent(
  merge: MergeDocument,
  survivor: ConversationDocument,
  mergedConversationId: string,
  loserCustomerId: string,
): ConversationEvent {
  return ConversationEvent.fromPartial({
    id: deterministicId('evt', merge._id, 'conversation_merged', mergedConversationId),
    tenantId: survivor.tenantId,
    conversationId: survivor._id,
    customerId: survivor.customerId,
    occurredAt: merge.createdAt,
    version: survivor.version,
    kind: { $case: 'merged', value: { mergedConversationId, loserCustomerId } },
  });
}
