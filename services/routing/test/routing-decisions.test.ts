import { issueApiKey } from '@omni/auth';
import { AssignmentAction, Channel, ExclusionReason, Presence } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { addAgent, type Harness, opened, putPolicy, resolved, startHarness, timeline } from './routing-harness';

const WAIT = { timeoutMs: 30_000 };

describe('routing decisions (real Kafka and store)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('routing-decisions');
  });
  afterAll(async () => {
    await h?.close();
  });

  const assignedTo = (conversationId: string) =>
    waitFor(
      `an assignment of ${conversationId}`,
      () =>
        h.assignments.find(
          (a) => a.conversationId === conversationId && a.action === AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED,
        )?.agentId,
      WAIT,
    );
  const queued = (conversationId: string) =>
    waitFor(
      `${conversationId} queued`,
      () =>
        h.assignments.some(
          (a) => a.conversationId === conversationId && a.action === AssignmentAction.ASSIGNMENT_ACTION_QUEUED,
        ),
      WAIT,
    );
  const loadOf = async (tenantId: string, agentId: string) => {
    const { agent } = await h.call('getAgent', await h.adminKey(tenantId), { agentId });
    return agent?.load ?? {};
  };
  const explain = async (tenantId: string, conversationId: string) => {
    const { decision } = await h.call('explainAssignment', await h.adminKey(tenantId), { conversationId });
    if (!decision) throw new Error('no decision');
    return decision;
  };

  it('requires every skill at its level and explains who was excluded and why', async () => {
    const tenant = 'skills';
    const key = await h.adminKey(tenant);
    await addAgent(h, tenant, 'junior', { skills: { billing: 3 } });
    await addAgent(h, tenant, 'senior', { skills: { billing: 7 } });
    await addAgent(h, tenant, 'generalist', { skills: {} });
    await addAgent(h, tenant, 'away', { skills: { billing: 9 }, online: false });
    const { policy, warnings } = await h.call('putRoutingPolicy', key, {
      policy: {
        version: 0,
        defaultPriority: 0,
        escalation: [],
        stickyWaitSeconds: 0,
        offerTimeoutSeconds: 0,
        rules: [
          {
            name: 'billing',
            match: { channels: [], inboxIds: [], languages: [], keywords: ['invoice'], customerAttributes: {} },
            requiredSkills: { billing: 5 },
            optionalSkills: {},
            priority: 1,
            team: '',
          },
        ],
      },
    });
    expect(policy?.version).toBe(1);
    expect(warnings).toEqual([]);

    await h.publish(opened(tenant, 'skills-c1', { text: 'My invoice is wrong' }));
    expect(await assignedTo('skills-c1')).toBe('senior');
    const decision = await explain(tenant, 'skills-c1');
    expect(decision).toMatchObject({
      outcome: 'assigned',
      agentId: 'senior',
      requiredSkills: { billing: 5 },
      policyVersion: 1,
    });
    const reasons = Object.fromEntries(decision.candidates.map((c) => [c.agentId, c.exclusions.map((e) => e.reason)]));
    expect(reasons).toEqual({
      senior: [],
      junior: [ExclusionReason.EXCLUSION_REASON_LEVEL],
      generalist: [ExclusionReason.EXCLUSION_REASON_SKILL],
      away: [ExclusionReason.EXCLUSION_REASON_PRESENCE],
    });
  });

  it('refuses an invalid policy with the reason and keeps the one in force', async () => {
    const key = await h.adminKey('skills');
    await expect(
      h.call('putRoutingPolicy', key, {
        policy: {
          version: 0,
          defaultPriority: 0,
          escalation: [],
          stickyWaitSeconds: 0,
          offerTimeoutSeconds: 0,
          rules: [
            {
              name: 'bad',
              match: { channels: [], inboxIds: [], languages: [], keywords: [], customerAttributes: {} },
              requiredSkills: { billing: 11 },
              optionalSkills: {},
              priority: 1,
              team: '',
            },
          ],
        },
      }),
    ).rejects.toMatchObject({ code: 3, details: expect.stringContaining('invalid routing policy') });
    const { policy } = await h.call('getRoutingPolicy', key, {});
    expect(policy?.version).toBe(1);
  });

  it('counts capacity per channel group', async () => {
    const tenant = 'capacity';
    await addAgent(h, tenant, 'solo', { capacity: { email: 2, messaging: 1 } });
    await h.publish(opened(tenant, 'cap-chat-1'));
    expect(await assignedTo('cap-chat-1')).toBe('solo');
    await h.publish(opened(tenant, 'cap-chat-2'));
    await queued('cap-chat-2');
    const explanation = await explain(tenant, 'cap-chat-2');
    expect(explanation.outcome).toBe('queued');
    expect(explanation.candidates[0]?.exclusions.map((e) => e.reason)).toEqual([
      ExclusionReason.EXCLUSION_REASON_CAPACITY,
    ]);
    await h.publish(opened(tenant, 'cap-mail-1', { channel: Channel.CHANNEL_EMAIL }));
    expect(await assignedTo('cap-mail-1')).toBe('solo');
    expect(await loadOf(tenant, 'solo')).toEqual({ email: 1, messaging: 1 });
  });

  it('prefers the least loaded agent, then the longest idle', async () => {
    const tenant = 'balance';
    await addAgent(h, tenant, 'a', { capacity: { email: 8, messaging: 3 } });
    await addAgent(h, tenant, 'b', { capacity: { email: 8, messaging: 3 } });
    await h.publish(opened(tenant, 'bal-1'));
    expect(await assignedTo('bal-1')).toBe('a');
    await h.publish(opened(tenant, 'bal-2'));
    expect(await assignedTo('bal-2')).toBe('b');
    expect((await explain(tenant, 'bal-2')).tieBreak).toMatch(/least loaded/);
    await h.publish(opened(tenant, 'bal-3'));
    expect(await assignedTo('bal-3')).toBe('a');
    expect((await explain(tenant, 'bal-3')).tieBreak).toMatch(/longest idle/);
  });

  it('routes back to the agent who last served the customer while they qualify', async () => {
    const tenant = 'sticky';
    await addAgent(h, tenant, 'first');
    await addAgent(h, tenant, 'second');
    await h.publish(opened(tenant, 'sticky-1', { lastAgentId: 'second', reopened: true }));
    expect(await assignedTo('sticky-1')).toBe('second');
    const decision = await explain(tenant, 'sticky-1');
    expect(decision.tieBreak).toMatch(/sticky/);
    expect(decision.trigger).toBe('reopened');
  });

  describe('sticky routing with a bounded wait', () => {
    /** `regular` (room for one chat) serves a first conversation of the customer, so is full; `other` is free. */
    const setUp = async (tenant: string, stickyWaitSeconds: number) => {
      await putPolicy(h, tenant, { stickyWaitSeconds });
      await addAgent(h, tenant, 'regular', { capacity: { email: 8, messaging: 1 } });
      await addAgent(h, tenant, 'other');
      await h.publish(opened(tenant, `${tenant}-busy`, { lastAgentId: 'regular' }));
      expect(await assignedTo(`${tenant}-busy`)).toBe('regular');
      await h.publish(
        opened(tenant, `${tenant}-1`, { lastAgentId: 'regular', reopened: true, occurredAt: new Date() }),
      );
      await queued(`${tenant}-1`);
    };

    it('holds the conversation for the full last agent and hands it over when they free up', async () => {
      const tenant = 'sticky-hold';
      await setUp(tenant, 60);
      const held = await explain(tenant, `${tenant}-1`);
      expect(held.tieBreak).toMatch(/held for regular/);
      const reasons = Object.fromEntries(held.candidates.map((c) => [c.agentId, c.exclusions.map((e) => e.reason)]));
      expect(reasons).toEqual({
        other: [ExclusionReason.EXCLUSION_REASON_STICKY_HOLD],
        regular: [ExclusionReason.EXCLUSION_REASON_CAPACITY],
      });
      const { conversations } = await h.call('listQueue', await h.adminKey(tenant), { channelGroup: '', pageSize: 5 });
      expect(conversations[0]).toMatchObject({ conversationId: `${tenant}-1`, stickyAgentId: 'regular' });
      await h.publish(resolved(tenant, `${tenant}-busy`));
      expect(await assignedTo(`${tenant}-1`)).toBe('regular');
    });

    it('routes to another agent once the sticky wait runs out', async () => {
      const tenant = 'sticky-expiry';
      await setUp(tenant, 2);
      expect(await assignedTo(`${tenant}-1`)).toBe('other');
      expect(timeline(h, `${tenant}-1`)).toEqual([
        [AssignmentAction.ASSIGNMENT_ACTION_QUEUED, '', 0],
        [AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED, 'other', 0],
      ]);
      expect(
        (await explain(tenant, `${tenant}-1`)).candidates.find((c) => c.agentId === 'regular')?.exclusions,
      ).toEqual([expect.objectContaining({ reason: ExclusionReason.EXCLUSION_REASON_CAPACITY })]);
    });
  });

  it('orders the queue by priority, SLA and age, and freed capacity pulls the best conversation', async () => {
    const tenant = 'queue';
    const key = await h.adminKey(tenant);
    await addAgent(h, tenant, 'only', { capacity: { email: 8, messaging: 1 } });
    await h.publish(opened(tenant, 'q-busy'));
    expect(await assignedTo('q-busy')).toBe('only');
    const base = Date.now() - 600_000;
    await h.publish(
      opened(tenant, 'q-old', { occurredAt: new Date(base) }),
      opened(tenant, 'q-new', { occurredAt: new Date(base + 60_000) }),
      opened(tenant, 'q-vip', { occurredAt: new Date(base + 120_000), attributes: { tier: 'vip' } }),
    );
    await Promise.all(['q-old', 'q-new', 'q-vip'].map(queued));
    const { conversations } = await h.call('listQueue', key, { channelGroup: 'messaging', pageSize: 10 });
    expect(conversations.map((c) => c.conversationId)).toEqual(['q-vip', 'q-old', 'q-new']);
    expect(conversations[0]?.priority).toBe(10);

    await h.publish(resolved(tenant, 'q-busy'));
    expect(await assignedTo('q-vip')).toBe('only');
    // Pulled by the resolution, or by the sweep if it saw the freed slot first: the best conversation either way.
    expect(['capacity_freed', 'sweep']).toContain((await explain(tenant, 'q-vip')).trigger);
    expect(await loadOf(tenant, 'only')).toEqual({ email: 0, messaging: 1 });
  });

  it('requeues the work of an agent going offline, keeping its age, and hands it to the next agent', async () => {
    const tenant = 'presence';
    const key = await h.adminKey(tenant);
    await addAgent(h, tenant, 'leaving');
    const since = new Date(Date.now() - 120_000);
    await h.publish(opened(tenant, 'p-1', { occurredAt: since }));
    expect(await assignedTo('p-1')).toBe('leaving');
    const { requeuedConversationIds } = await h.call('setPresence', key, {
      agentId: 'leaving',
      presence: Presence.PRESENCE_OFFLINE,
    });
    expect(requeuedConversationIds).toEqual(['p-1']);
    const { conversations } = await h.call('listQueue', key, { channelGroup: '', pageSize: 10 });
    expect(conversations.map((c) => [c.conversationId, c.enqueuedAt?.getTime()])).toEqual([['p-1', since.getTime()]]);
    await waitFor(
      'the unassignment event',
      () =>
        h.assignments.some(
          (a) =>
            a.conversationId === 'p-1' &&
            a.action === AssignmentAction.ASSIGNMENT_ACTION_UNASSIGNED &&
            a.previousAgentId === 'leaving',
        ),
      WAIT,
    );
    expect(await loadOf(tenant, 'leaving')).toEqual({ email: 0, messaging: 0 });

    await addAgent(h, tenant, 'arriving');
    await waitFor(
      'p-1 assigned to the arriving agent',
      async () => (await loadOf(tenant, 'arriving')).messaging === 1,
      WAIT,
    );
    // As a consumer sees them: delivery is at least once, so a sweep may announce an assignment
    // again under its own event id; another id would be another decision.
    expect(timeline(h, 'p-1').map(([action, agentId]) => [action, agentId])).toEqual([
      [AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED, 'leaving'],
      [AssignmentAction.ASSIGNMENT_ACTION_UNASSIGNED, ''],
      [AssignmentAction.ASSIGNMENT_ACTION_QUEUED, ''],
      [AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED, 'arriving'],
    ]);
  });

  it('releases capacity once when the resolution is delivered twice, even after a replayed opening', async () => {
    const tenant = 'release';
    await addAgent(h, tenant, 'holder', { capacity: { email: 8, messaging: 3 } });
    await h.publish(opened(tenant, 'r-1'), opened(tenant, 'r-2'));
    await assignedTo('r-1');
    await assignedTo('r-2');
    expect(await loadOf(tenant, 'holder')).toEqual({ email: 0, messaging: 2 });
    // Duplicates and a stale replay, then a reopen (version 3) on the same partition: once the reopen is
    // routed, every earlier event of r-1 was handled.
    await h.publish(
      resolved(tenant, 'r-1'),
      resolved(tenant, 'r-1'),
      opened(tenant, 'r-1'),
      resolved(tenant, 'r-1'),
      opened(tenant, 'r-1', { version: 3, reopened: true, lastAgentId: 'holder' }),
    );
    await waitFor(
      'the reopened r-1 assigned again',
      // Counted as a consumer counts them: one per event id (delivery is at least once).
      () =>
        timeline(h, 'r-1').filter(([action]) => action === AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED).length === 2,
      WAIT,
    ).catch(async (error: unknown) => {
      const db = h.services[0]?.runtime.store.db;
      const dump = {
        state: await db?.collection('routing_conversations').findOne({ _id: 'release:r-1' as never }),
        closure: await db?.collection('routing_closures').findOne({ _id: 'release:r-1' as never }),
        slots: await db?.collection('agent_slots').find({ tenantId: 'release' }).toArray(),
        events: h.assignments.filter((a) => a.conversationId === 'r-1'),
      };
      throw new Error(`${String(error)} ${JSON.stringify(dump)}`);
    });
    expect(await loadOf(tenant, 'holder')).toEqual({ email: 0, messaging: 2 });
    await h.publish(
      resolved(tenant, 'r-1', 4),
      resolved(tenant, 'r-1', 4),
      resolved(tenant, 'r-2'),
      resolved(tenant, 'r-2'),
    );
    await waitFor('both released', async () => (await loadOf(tenant, 'holder')).messaging === 0, WAIT);
    // A last conversation shows the released capacity is really free, not below zero.
    await h.publish(opened(tenant, 'r-3'));
    expect(await assignedTo('r-3')).toBe('holder');
    expect(await loadOf(tenant, 'holder')).toEqual({ email: 0, messaging: 1 });
  });

  it('lets an agent key set only its own presence', async () => {
    const tenant = 'auth';
    await addAgent(h, tenant, 'self', { online: false });
    await addAgent(h, tenant, 'other', { online: false });
    const store = h.services[0]?.runtime.store;
    if (!store) throw new Error('no service');
    const agentKey = await issueApiKey(store, { tenantId: tenant, role: 'agent', name: 'self' });
    const admin = await h.adminKey(tenant);
    const { agent } = await h.call('getAgent', admin, { agentId: 'self' });
    if (!agent) throw new Error('no agent');
    await h.call('upsertAgent', admin, { agent: { ...agent, apiKeyId: agentKey.keyId } });
    const online = await h.call('setPresence', agentKey.key, { agentId: 'self', presence: Presence.PRESENCE_ONLINE });
    expect(online.agent?.presence).toBe(Presence.PRESENCE_ONLINE);
    await expect(
      h.call('setPresence', agentKey.key, { agentId: 'other', presence: Presence.PRESENCE_ONLINE }),
    ).rejects.toMatchObject({ code: 7 });
    await expect(h.call('upsertAgent', agentKey.key, { agent })).rejects.toMatchObject({ code: 7 });
    // Another tenant's agent answers as a missing one.
    await expect(h.call('getAgent', await h.adminKey('elsewhere'), { agentId: 'self' })).rejects.toMatchObject({
      code: 5,
    });
  });
});
