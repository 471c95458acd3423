import { AssignmentAction, Presence } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { addAgent, type Harness, opened, startHarness } from './routing-harness';

const WAIT = { timeoutMs: 30_000 };

describe('heartbeat expiry (real Kafka and store)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('routing-expiry', { env: { HEARTBEAT_TTL_SECONDS: '2' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('turns a silent agent offline and requeues their conversations with their original age', async () => {
    const tenant = 'expiry';
    const key = await h.adminKey(tenant);
    await addAgent(h, tenant, 'silent');
    const since = new Date(Date.now() - 300_000);
    await h.publish(opened(tenant, 'e-1', { occurredAt: since }));
    await waitFor(
      'e-1 assigned',
      () =>
        h.assignments.some(
          (a) => a.conversationId === 'e-1' && a.action === AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED,
        ),
      WAIT,
    );
    // The sweep turns the agent offline, then frees their slots: wait for both.
    const { agent } = await waitFor(
      'the silent agent offline, holding nothing',
      async () => {
        const response = await h.call('getAgent', key, { agentId: 'silent' });
        return (
          response.agent?.presence === Presence.PRESENCE_OFFLINE && response.agent.load.messaging === 0 && response
        );
      },
      WAIT,
    );
    expect(agent?.load).toEqual({ email: 0, messaging: 0 });
    const { conversations } = await waitFor(
      'e-1 back in the queue',
      async () => {
        const response = await h.call('listQueue', key, { channelGroup: 'messaging', pageSize: 10 });
        return response.conversations.length === 1 && response;
      },
      WAIT,
    );
    expect(conversations[0]).toMatchObject({ conversationId: 'e-1', enqueuedAt: since });
  });

  it('keeps an agent who sends heartbeats online', async () => {
    const tenant = 'expiry';
    const key = await h.adminKey(tenant);
    await addAgent(h, tenant, 'chatty');
    const started = Date.now();
    // Heartbeats for twice the TTL; the agent must stay online throughout.
    await waitFor(
      'four seconds of heartbeats',
      async () => {
        const { expiresAt } = await h.call('heartbeat', key, { agentId: 'chatty' });
        expect(expiresAt?.getTime()).toBeGreaterThan(Date.now());
        const { agent } = await h.call('getAgent', key, { agentId: 'chatty' });
        expect(agent?.presence).toBe(Presence.PRESENCE_ONLINE);
        return Date.now() - started > 4_000;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});
