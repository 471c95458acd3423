import type { IndexPlan } from '@omni/store';
import { Collections } from './documents';

/** Plain and unique indexes only: FerretDB v1 has neither partial nor TTL indexes. */
export const routingIndexes: IndexPlan = {
  [Collections.agents]: [
    { key: { tenantId: 1, agentId: 1 }, name: 'tenant_agent' },
    { key: { presence: 1, heartbeatAt: 1 }, name: 'presence_heartbeat' },
  ],
  [Collections.slots]: [
    { key: { conversationKey: 1 }, name: 'one_slot_per_conversation', unique: true },
    { key: { tenantId: 1, agentId: 1, group: 1 }, name: 'agent_group' },
  ],
  [Collections.states]: [
    { key: { tenantId: 1, state: 1, group: 1, priority: -1, slaDueAt: 1, enqueuedAt: 1 }, name: 'queue_order' },
    { key: { tenantId: 1, agentId: 1, state: 1 }, name: 'agent_state' },
    { key: { outboxCount: 1 }, name: 'outbox' },
  ],
  [Collections.releases]: [{ key: { tenantId: 1, releasedAt: 1 }, name: 'tenant_released' }],
  [Collections.decisions]: [{ key: { tenantId: 1, conversationId: 1, decidedAt: -1 }, name: 'conversation' }],
};
