import { issueApiKey } from '@omni/auth';
import { AssignmentAction } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { type Harness, opened, resolved, startHarness } from './routing-harness';

const WAIT = { timeoutMs: 30_000 };

describe('routing REST API (real HTTP, Kafka and store)', () => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness('routing-rest');
    base = `http://127.0.0.1:${h.services[0]?.httpPort}/v1`;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Sends JSON with the key as bearer token; returns the status and the parsed body. */
  const api = async (method: string, path: string, key: string | undefined, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: a JSON body, asserted field by field
    return { status: response.status, body: (await response.json()) as any };
  };
  const agentKey = async (tenantId: string, name: string) => {
    const store = h.services[0]?.runtime.store;
    if (!store) throw new Error('no service');
    return issueApiKey(store, { tenantId, role: 'agent', name });
  };

  it('manages agents as an admin, with live load and presence as JSON', async () => {
    const admin = await h.adminKey('rest');
    const put = await api('PUT', '/agents/ann', admin, {
      name: 'Ann',
      skills: { billing: 7 },
      teams: ['billing'],
      capacity: { email: 5, messaging: 2 },
    });
    expect(put.status).toBe(200);
    expect(put.body.agent).toMatchObject({
      agentId: 'ann',
      name: 'Ann',
      skills: { billing: 7 },
      teams: ['billing'],
      capacity: { email: 5, messaging: 2 },
      presence: 'PRESENCE_OFFLINE',
    });
    const online = await api('PUT', '/agents/ann/presence', admin, { presence: 'online' });
    expect(online.status).toBe(200);
    expect(online.body.agent.presence).toBe('PRESENCE_ONLINE');
    const list = await api('GET', '/agents?presence=online&pageSize=10', admin);
    expect(list.status).toBe(200);
    expect(list.body.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['ann']);
    expect((await api('GET', '/agents/ann', admin)).body.agent.load).toEqual({ email: 0, messaging: 0 });
  });

  it('refuses server-owned and unknown fields and bad values with 400 and the reasons', async () => {
    const admin = await h.adminKey('rest');
    const owned = await api('PUT', '/agents/bob', admin, {
      name: 'Bob',
      tenantId: 'other',
      load: { messaging: 0 },
      presence: 'online',
      nickname: 'b',
    });
    expect(owned.status).toBe(400);
    expect(owned.body.error.code).toBe('invalid_argument');
    expect(owned.body.error.details).toEqual([
      { field: 'tenantId', reason: 'set by the server; may not be written' },
      { field: 'load', reason: 'set by the server; may not be written' },
      { field: 'presence', reason: 'set by the server; may not be written' },
      { field: 'nickname', reason: 'unknown field' },
    ]);
    const badValues = await api('PUT', '/agents/bob', admin, { capacity: { messaging: 'three' }, skills: { x: 11 } });
    expect(badValues.status).toBe(400);
    expect(badValues.body.error.details.map((d: { field: string }) => d.field)).toEqual(['capacity.messaging']);
    const badLevel = await api('PUT', '/agents/bob', admin, { skills: { x: 11 } });
    expect(badLevel.body.error).toMatchObject({ code: 'invalid_argument', details: [{ field: 'agent.skills.x' }] });
    const badGroup = await api('PUT', '/agents/bob', admin, { capacity: { voice: 2 } });
    expect(badGroup.body.error.details).toEqual([
      { field: 'agent.capacity.voice', reason: 'groups are email, messaging' },
    ]);
    expect((await api('GET', '/agents/bob', admin)).status).toBe(404);
    const badPresence = await api('PUT', '/agents/ann/presence', admin, { presence: 'busy' });
    expect(badPresence.body.error.details).toEqual([{ field: 'presence', reason: 'online, away or offline' }]);
    const badPolicy = await api('PUT', '/routing-policy', admin, {
      rules: [{ name: 'r', requiredSkills: { billing: 0 }, match: { channels: ['fax'] }, weight: 2 }],
    });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'rules.0.match.channels.0',
      'rules.0.weight',
    ]);
    const refused = await api('PUT', '/routing-policy', admin, {
      rules: [{ name: 'r', requiredSkills: { billing: 0 } }],
    });
    expect(refused.body.error).toMatchObject({
      message: 'invalid routing policy',
      details: [{ field: 'rules[0].required_skills.billing', reason: 'level must be 1-10' }],
    });
    expect((await api('GET', '/routing-policy', admin)).body.policy.version ?? 0).toBe(0);
  });

  it('guards every route like gRPC: keys, roles, an agent acting only as themselves, tenants apart', async () => {
    const admin = await h.adminKey('rest-auth');
    await api('PUT', '/agents/self', admin, { capacity: { messaging: 1 } });
    await api('PUT', '/agents/other', admin, { capacity: { messaging: 1 } });
    const own = await agentKey('rest-auth', 'self');
    await api('PUT', '/agents/self', admin, { capacity: { messaging: 1 }, apiKeyId: own.keyId });

    const anonymous = await api('GET', '/agents', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
    expect((await api('GET', '/queue', 'not-a-key')).status).toBe(401);

    expect((await api('PUT', '/agents/self/presence', own.key, { presence: 'PRESENCE_ONLINE' })).status).toBe(200);
    const heartbeat = await api('POST', '/agents/self/heartbeat', own.key);
    expect(heartbeat.status).toBe(200);
    expect(Date.parse(heartbeat.body.expiresAt)).toBeGreaterThan(Date.now());
    const notSelf = await api('PUT', '/agents/other/presence', own.key, { presence: 'online' });
    expect(notSelf.status).toBe(403);
    expect(notSelf.body.error.code).toBe('permission_denied');
    expect((await api('PUT', '/agents/self', own.key, { capacity: { messaging: 9 } })).status).toBe(403);
    expect((await api('PUT', '/routing-policy', own.key, {})).status).toBe(403);

    const elsewhere = await h.adminKey('rest-elsewhere');
    const foreign = await api('GET', '/agents/self', elsewhere);
    const missing = await api('GET', '/agents/nobody', elsewhere);
    expect([foreign.status, missing.status]).toEqual([404, 404]);
    expect(foreign.body.error.code).toBe(missing.body.error.code);
  });

  it('lists the queue with estimated waits and explains decisions', async () => {
    const tenant = 'rest-wait';
    const admin = await h.adminKey(tenant);
    await api('PUT', '/agents/w', admin, { capacity: { messaging: 1 } });
    await api('PUT', '/agents/w/presence', admin, { presence: 'online' });
    const assigned = (id: string) =>
      waitFor(
        `${id} assigned`,
        () =>
          h.assignments.some(
            (a) => a.conversationId === id && a.action === AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED,
          ),
        WAIT,
      );
    const queue = async () => (await api('GET', '/queue?channelGroup=messaging', admin)).body.conversations ?? [];
    const base = Date.now() - 120_000;
    await h.publish(opened(tenant, 'w-0', { occurredAt: new Date(base) }));
    await assigned('w-0');
    await h.publish(
      opened(tenant, 'w-1', { occurredAt: new Date(base + 1_000) }),
      opened(tenant, 'w-2', { occurredAt: new Date(base + 2_000) }),
    );
    await waitFor('two waiting', async () => (await queue()).length === 2, WAIT);
    // No capacity freed yet: no evidence, so no estimate.
    expect((await queue()).map((c: { estimatedWaitSeconds?: number }) => c.estimatedWaitSeconds)).toEqual([
      undefined,
      undefined,
    ]);
    // Listed as soon as it is recorded; its first decision follows.
    const decision = await waitFor(
      'the decision on w-2',
      async () => {
        const found = await api('GET', '/conversations/w-2/routing-decision', admin);
        return found.status === 200 && found;
      },
      WAIT,
    );
    expect(decision.body.decision).toMatchObject({ outcome: 'queued', trigger: 'opened' });
    expect(decision.body.decision.candidates[0].exclusions[0].reason).toBe('EXCLUSION_REASON_CAPACITY');

    // One resolution in the 15-minute window: one freed slot per 900 s.
    await h.publish(resolved(tenant, 'w-0'));
    await assigned('w-1');
    await h.publish(opened(tenant, 'w-3', { occurredAt: new Date(base + 3_000) }));
    await waitFor('w-3 waiting', async () => (await queue()).length === 2, WAIT);
    expect(
      (await queue()).map((c: { conversationId: string; estimatedWaitSeconds?: number }) => [
        c.conversationId,
        c.estimatedWaitSeconds,
      ]),
    ).toEqual([
      ['w-2', 900],
      ['w-3', 1800],
    ]);
    expect((await api('GET', '/conversations/elsewhere/routing-decision', admin)).status).toBe(404);
  });
});
