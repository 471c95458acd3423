import { API_KEYS_COLLECTION } from '@omni/auth';
import type { IndexPlan } from '@omni/store';
import { Collections } from './documents';
import { MergeCollections } from './merge-documents';

/** Every index the conversation service reads by; created at start-up. */
export const conversationIndexes: IndexPlan = {
  [Collections.identities]: [{ key: { tenantId: 1, customerId: 1 }, name: 'tenant_customer' }],
  [Collections.customers]: [
    { key: { tenantId: 1, createdAt: -1 }, name: 'tenant_created' },
    { key: { tenantId: 1, nameKey: 1, _id: 1 }, name: 'tenant_name' },
  ],
  [MergeCollections.suggestedMerges]: [
    { key: { tenantId: 1, status: 1, createdAt: -1, _id: -1 }, name: 'tenant_status_created' },
  ],
  [Collections.conversations]: [
    { key: { openKey: 1 }, name: 'open_key_unique', unique: true },
    { key: { tenantId: 1, token: 1 }, name: 'tenant_token_unique', unique: true },
    { key: { tenantId: 1, lastMessageAt: -1, _id: -1 }, name: 'tenant_last_message' },
    { key: { tenantId: 1, customerId: 1, lastMessageAt: -1, _id: -1 }, name: 'tenant_customer_last_message' },
    { key: { tenantId: 1, customerId: 1, normalizedSubject: 1 }, name: 'tenant_customer_subject' },
    { key: { tenantId: 1, updatedAt: -1 }, name: 'tenant_updated' },
    { key: { snoozedUntil: 1 }, name: 'snoozed_until' },
  ],
  [Collections.messages]: [
    { key: { tenantId: 1, messageIdHeader: 1 }, name: 'tenant_message_id_header' },
    { key: { tenantId: 1, channelMessageId: 1 }, name: 'tenant_channel_message_id' },
    { key: { tenantId: 1, conversationId: 1, sentAt: 1, receivedAt: 1, _id: 1 }, name: 'tenant_conversation_order' },
    { key: { outbox: 1, createdAt: 1 }, name: 'outbox_pending' },
    {
      key: { tenantId: 1, customerId: 1, channel: 1, direction: 1, sentAt: -1 },
      name: 'tenant_customer_channel_latest',
    },
  ],
  [Collections.activities]: [
    { key: { tenantId: 1, conversationId: 1, at: 1, recordedAt: 1, _id: 1 }, name: 'tenant_conversation_order' },
  ],
  [API_KEYS_COLLECTION]: [{ key: { tenantId: 1 }, name: 'tenant' }],
};
