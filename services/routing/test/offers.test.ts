import { issueApiKey } from '@omni/auth';
import { AssignmentAction, ExclusionReason } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { addAgent, type Harness, opened, putPolicy, startHarness, timeline } from './routing-harness';

const { ASSIGNMENT_ACTION_OFFERED: OFFERED, ASSIGNMENT_ACTION_ASSIGNED: ASSIGNED } = AssignmentAction;
const { ASSIGNMENT_ACTION_UNASSIGNED: UNASSIGNED, ASSIGNMENT_ACTION_QUEUED: QUEUED } = AssignmentAction;
const WAIT = { timeoutMs: 30_000 };

describe('offer mode (real Kafka and store)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('routing-offers');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** An agent whose own API key is bound to it, as a help-desk client would hold. */
  const agentWithKey = async (tenant: string, agentId: string) => {
    await addAgent(h, tenant, agentId);
    const store = h.services[0]?.runtime.store;
    if (!store) throw new Error('no service');
    const { key, keyId } = await issueApiKey(store, { tenantId: tenant, role: 'agent', name: agentId });
    const admin = await h.adminKey(tenant);
    const { agent } = await h.call('getAgent', admin, { agentId });
    if (!agent) throw new Error('no agent');
    await h.call('upsertAgent', admin, { agent: { ...agent, apiKeyId: keyId } });
    return key;
  };
  const until = (what: string, conversationId: string, events: number) =>
    waitFor(what, () => timeline(h, conversationId).length >= events, WAIT);

  it('offers to the best agent, holding their capacity, and assigns once they accept', async () => {
    const tenant = 'offer-accept';
    await putPolicy(h, tenant, { offerTimeoutSeconds: 60 });
    const key = await agentWithKey(tenant, 'first');
    const otherKey = await agentWithKey(tenant, 'second');
    await h.publish(opened(tenant, 'oa-1'));
    await until('the offer', 'oa-1', 1);
    expect(timeline(h, 'oa-1')).toEqual([[OFFERED, 'first', 0]]);
    const { agent } = await h.call('getAgent', key, { agentId: 'first' });
    expect(agent?.load).toEqual({ email: 0, messaging: 1 });

    await expect(h.call('acceptOffer', otherKey, { conversationId: 'oa-1', agentId: 'first' })).rejects.toMatchObject({
      code: 7,
    });
    await expect(h.call('acceptOffer', otherKey, { conversationId: 'oa-1', agentId: 'second' })).rejects.toMatchObject({
      code: 5,
    });
    expect(await h.call('acceptOffer', key, { conversationId: 'oa-1', agentId: 'first' })).toEqual({
      conversationId: 'oa-1',
      agentId: 'first',
    });
    // Accepting again is harmless: the same event id, so consumers see one assignment.
    await h.call('acceptOffer', key, { conversationId: 'oa-1', agentId: 'first' });
    await until('the assignment', 'oa-1', 2);
    expect(timeline(h, 'oa-1')).toEqual([
      [OFFERED, 'first', 0],
      [ASSIGNED, 'first', 0],
    ]);
    await expect(h.call('declineOffer', key, { conversationId: 'oa-1', agentId: 'first' })).rejects.toMatchObject({
      code: 9,
    });
  });

  it('moves an offer nobody accepts in time, or that is declined, to the next agent, keeping its age', async () => {
    const tenant = 'offer-timeout';
    const admin = await h.adminKey(tenant);
    await putPolicy(h, tenant, { offerTimeoutSeconds: 2 });
    await agentWithKey(tenant, 'a-slow');
    const nextKey = await agentWithKey(tenant, 'b-next');
    const since = new Date(Date.now() - 90_000);
    await h.publish(opened(tenant, 'ot-1', { occurredAt: since }));
    await until('the offer to the next agent', 'ot-1', 3);
    expect(timeline(h, 'ot-1')).toEqual([
      [OFFERED, 'a-slow', 0],
      [UNASSIGNED, '', 0],
      [OFFERED, 'b-next', 0],
    ]);
    expect((await h.call('getAgent', admin, { agentId: 'a-slow' })).agent?.load).toEqual({ email: 0, messaging: 0 });

    await h.call('declineOffer', nextKey, { conversationId: 'ot-1', agentId: 'b-next' });
    await until('back in the queue', 'ot-1', 5);
    expect(timeline(h, 'ot-1').slice(3)).toEqual([
      [UNASSIGNED, '', 0],
      [QUEUED, '', 0],
    ]);
    const { conversations } = await h.call('listQueue', admin, { channelGroup: 'messaging', pageSize: 5 });
    expect(conversations.map((c) => [c.conversationId, c.enqueuedAt])).toEqual([['ot-1', since]]);
    const { decision } = await h.call('explainAssignment', admin, { conversationId: 'ot-1' });
    expect(decision?.candidates.map((c) => [c.agentId, c.exclusions.map((e) => e.reason)])).toEqual([
      ['a-slow', [ExclusionReason.EXCLUSION_REASON_DECLINED]],
      ['b-next', [ExclusionReason.EXCLUSION_REASON_DECLINED]],
    ]);
  });
});
