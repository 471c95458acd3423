import { issueApiKey } from '@omni/auth';
import { AssignmentAction } from '@omni/contracts';
import { openApiClient, type RestCall, waitFor } from '@omni/testing';
import { type Harness, opened, resolved, startHarness } from './routing-harness';

const WAIT = { timeoutMs: 30_000 };

describe('routing REST API (real HTTP, Kafka and store)', () => {
  let h: Harness;
  let base: string;
  let call: RestCall;

  beforeAll(async () => {
    h = await startHarness('routing-rest');
    base = `http://127.0.0.1:${h.services[0]?.httpPort}`;
    call = await openApiClient(base);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Calls /v1 with the key as bearer token; every answer is checked against routing's /openapi.json. */
  const api = async (method: string, path: string, key: string | undefined, body?: unknown) => {
    const { status, json } = await call(method, `/v1${path}`, key, body);
    return { status, body: json };
  };
  const agentKey = async (tenantId: string, name: string) => {
    const store = h.services[0]?.runtime.store;
    if (!store) throw new Error('no service');
    return issueApiKey(store, { tenantId, role: 'agent', name });
  };

  it('serves an OpenAPI 3.1 document of the RoutingService operations, without auth', async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the document, asserted field by field
    const document: any = await response.json();
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => `${method} ${path} ${op.operationId}`),
      )
      .sort();
    expect(operations).toEqual([
      'get /v1/agents listAgents',
      'get /v1/agents/{agentId} getAgent',
      'get /v1/conversations/{conversationId}/routing-decision explainAssignment',
      'get /v1/queue listQueue',
      'get /v1/routing-policy getRoutingPolicy',
      'post /v1/agents/{agentId}/heartbeat heartbeat',
      'post /v1/conversations/{conversationId}/offer/accept acceptOffer',
      'post /v1/conversations/{conversationId}/offer/decline declineOffer',
      'put /v1/agents/{agentId} upsertAgent',
      'put /v1/agents/{agentId}/presence setPresence',
      'put /v1/routing-policy putRoutingPolicy',
    ]);
    const upsert = document.paths['/v1/agents/{agentId}'].put;
    expect(upsert.tags).toEqual(['Routing']);
    // The body is the agent without what the path gives and what the server owns.
    expect(Object.keys(upsert.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'apiKeyId',
      'capacity',
      'name',
      'skills',
      'teams',
    ]);
    expect(document.components.schemas['omni.v1.Agent'].properties.load.readOnly).toBe(true);
  });

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
    const online = await api('PUT', '/agents/ann/presence', admin, { presence: 'PRESENCE_ONLINE' });
    expect(online.status).toBe(200);
    expect(online.body.agent.presence).toBe('PRESENCE_ONLINE');
    const list = await api('GET', '/agents?presence=PRESENCE_ONLINE&pageSize=10', admin);
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
      presence: 'PRESENCE_ONLINE',
      nickname: 'b',
    });
    expect(owned.status).toBe(400);
    expect(owned.body.error.code).toBe('invalid_argument');
    expect(owned.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'tenantId', reason: 'unknown field' },
        { field: 'load', reason: 'set by the server; may not be written' },
        { field: 'presence', reason: 'set by the server; may not be written' },
        { field: 'nickname', reason: 'unknown field' },
      ]),
    );
    expect(owned.body.error.details).toHaveLength(4);
    const fromPath = await api('PUT', '/agents/bob', admin, { agentId: 'eve' });
    expect(fromPath.body.error).toMatchObject({ code: 'invalid_argument', details: [{ field: 'agentId' }] });
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
    expect(badPresence.status).toBe(400);
    expect(badPresence.body.error.details).toEqual([
      { field: 'presence', reason: expect.stringContaining('PRESENCE_ONLINE, PRESENCE_AWAY, PRESENCE_OFFLINE') },
    ]);
    const badQuery = await api('GET', '/agents?presence=PRESENCE_ONLINE&colour=red', admin);
    expect(badQuery.body.error.details).toEqual([{ field: 'colour', reason: 'unknown field' }]);
    const offerExtra = await api('POST', '/conversations/c-1/offer/accept', admin, { agentId: 'ann', note: 'mine' });
    expect(offerExtra.status).toBe(400);
    expect(offerExtra.body.error.details).toEqual([{ field: 'note', reason: 'unknown field' }]);

    const badPolicy = await api('PUT', '/routing-policy', admin, {
      rules: [{ name: 'r', requiredSkills: { billing: 0 }, match: { channels: ['fax'] }, weight: 2 }],
      version: 7,
    });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'rules.0.match.channels.0', reason: expect.stringContaining('CHANNEL_EMAIL') },
        { field: 'rules.0.weight', reason: 'unknown field' },
        { field: 'version', reason: 'set by the server; may not be written' },
      ]),
    );
    expect(badPolicy.body.error.details).toHaveLength(3);
    const refused = await api('PUT', '/routing-policy', admin, {
      rules: [{ name: 'r', requiredSkills: { billing: 0 } }],
    });
    expect(refused.body.error).toMatchObject({
      message: 'invalid routing policy',
      details: [{ field: 'rules[0].required_skills.billing', reason: 'level must be 1-10' }],
    });
    expect((await api('GET', '/routing-policy', admin)).body.policy.version ?? 0).toBe(0);
    const accepted = await api('PUT', '/routing-policy', admin, {
      rules: [{ name: 'vip', match: { customerAttributes: { tier: 'vip' } }, requiredSkills: { refunds: 3 } }],
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.policy.version).toBe(1);
    expect(accepted.body.warnings).toEqual(['rules[0].required_skills.refunds: no agent has skill refunds']);
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
    const notSelf = await api('PUT', '/agents/other/presence', own.key, { presence: 'PRESENCE_ONLINE' });
    expect(notSelf.status).toBe(403);
    expect(notSelf.body.error.code).toBe('permission_denied');
    expect((await api('POST', '/agents/other/heartbeat', own.key)).status).toBe(403);
    // An agent reads agents and the queue, but admin operations answer 403 and change nothing.
    expect((await api('GET', '/agents/other', own.key)).status).toBe(200);
    const upsert = await api('PUT', '/agents/self', own.key, { capacity: { messaging: 9 } });
    expect(upsert.status).toBe(403);
    expect(upsert.body.error.code).toBe('permission_denied');
    expect((await api('GET', '/agents/self', admin)).body.agent.capacity).toEqual({ email: 0, messaging: 1 });
    const policy = await api('PUT', '/routing-policy', own.key, { defaultPriority: 5 });
    expect(policy.status).toBe(403);
    expect(policy.body.error.code).toBe('permission_denied');
    expect((await api('GET', '/routing-policy', admin)).body.policy.defaultPriority ?? 0).toBe(0);

    // Another tenant's agent answers exactly like one that does not exist, for reads and writes.
    const elsewhere = await h.adminKey('rest-elsewhere');
    const sameAsMissing = async (method: string, suffix: string, body?: unknown) => {
      const foreign = await api(method, `/agents/self${suffix}`, elsewhere, body);
      const missing = await api(method, `/agents/nobody${suffix}`, elsewhere, body);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(JSON.parse(JSON.stringify(missing.body).replaceAll('nobody', 'self')));
    };
    await sameAsMissing('GET', '');
    await sameAsMissing('PUT', '/presence', { presence: 'PRESENCE_OFFLINE' });
    await sameAsMissing('POST', '/heartbeat');
    expect((await api('GET', '/agents/self', admin)).body.agent.presence).toBe('PRESENCE_ONLINE');
  });

  it('lists the queue with estimated waits and explains decisions', async () => {
    const tenant = 'rest-wait';
    const admin = await h.adminKey(tenant);
    await api('PUT', '/agents/w', admin, { capacity: { messaging: 1 } });
    await api('PUT', '/agents/w/presence', admin, { presence: 'PRESENCE_ONLINE' });
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
