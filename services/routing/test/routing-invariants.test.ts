import { credentials } from '@grpc/grpc-js';
import { Channel, Presence, RoutingServiceClient, type SetPresenceRequest } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import {
  type AgentDocument,
  Collections,
  type DecisionDocument,
  type RoutingStateDocument,
  type SlotDocument,
} from '../src/adapters/mongo/documents';
import { hasSkills, isAvailable } from '../src/domain/agent';
import { CHANNEL_GROUPS } from '../src/domain/channel-group';
import { addAgent, type Harness, opened, resolved, startHarness } from './routing-harness';

const TENANT = 'load';
const AGENTS = 50;
const CONVERSATIONS = Number(process.env.ROUTING_INVARIANT_CONVERSATIONS ?? 2000);
const RESOLVED_SHARE = 3;

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('routing invariants under load: two replicas, presence churn and resolutions', () => {
  let h: Harness;
  let second: RoutingServiceClient;

  beforeAll(async () => {
    h = await startHarness('routing-invariants', {
      instances: 2,
      // Heartbeat expiry has its own test; here agents stay online unless the churn turns them off.
      env: { ROUTING_SWEEP_INTERVAL_MS: '2000', ROUTING_CONCURRENCY: '16', HEARTBEAT_TTL_SECONDS: '3600' },
    });
    second = new RoutingServiceClient(`127.0.0.1:${h.services[1]?.grpcPort}`, credentials.createInsecure());
  });
  afterAll(async () => {
    second?.close();
    await h?.close();
  });

  it(`never overfills an agent nor assigns a conversation twice (${AGENTS} agents, ${CONVERSATIONS} conversations)`, async () => {
    const begun = Date.now();
    const next = random(42);
    const key = await h.adminKey(TENANT);
    await h.call('putRoutingPolicy', key, {
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
            requiredSkills: { billing: 3 },
            optionalSkills: {},
            priority: 1,
            team: '',
          },
          {
            name: 'tech',
            match: { channels: [], inboxIds: [], languages: [], keywords: ['crash'], customerAttributes: {} },
            requiredSkills: { tech: 5 },
            optionalSkills: {},
            priority: 2,
            team: '',
          },
        ],
      },
    });
    for (let i = 0; i < AGENTS; i++) {
      const skills: Record<string, number> = {};
      if (i % 3 !== 1) skills.billing = 1 + (i % 10);
      if (i % 3 !== 0) skills.tech = 1 + ((i * 7) % 10);
      await addAgent(h, TENANT, `agent-${String(i).padStart(2, '0')}`, {
        skills,
        capacity: { email: 1 + (i % 4), messaging: 1 + (i % 3) },
      });
    }

    const phase = (name: string) => process.stdout.write(`routing invariants: ${name} at ${Date.now() - begun} ms\n`);
    phase('agents ready');
    const texts = ['my invoice is wrong', 'the app crash again', 'hello there', 'question about invoice and crash'];
    const ids = Array.from({ length: CONVERSATIONS }, (_, i) => `conv-${i}`);
    const toResolve = ids.filter((_, i) => i % RESOLVED_SHARE === 0);
    const burst = async () => {
      for (let i = 0; i < ids.length; i += 50) {
        await h.publish(
          ...ids.slice(i, i + 50).map((id, j) =>
            opened(TENANT, id, {
              channel: (i + j) % 5 < 2 ? Channel.CHANNEL_EMAIL : Channel.CHANNEL_WHATSAPP,
              text: texts[(i + j) % texts.length],
              attributes: (i + j) % 17 === 0 ? { tier: 'vip' } : {},
            }),
          ),
        );
      }
      await h.publish(...toResolve.map((id) => resolved(TENANT, id)));
    };
    const churn = async () => {
      const setPresence = (request: SetPresenceRequest) => h.call('setPresence', key, request, second);
      for (let round = 0; round < 20; round++) {
        const agentId = `agent-${String(Math.floor(next() * AGENTS)).padStart(2, '0')}`;
        await setPresence({ agentId, presence: Presence.PRESENCE_OFFLINE });
        await setPresence({ agentId, presence: Presence.PRESENCE_ONLINE });
      }
    };
    const started = Date.now();
    await Promise.all([burst(), churn()]);
    phase('burst and churn done');

    const db = h.services[0]?.runtime.store.db;
    if (!db) throw new Error('no store');
    const closed = new Set(toResolve);
    const problems = async (): Promise<string[]> => {
      const found: string[] = [];
      const agents = await db.collection<AgentDocument>(Collections.agents).find({ tenantId: TENANT }).toArray();
      const states = await db.collection<RoutingStateDocument>(Collections.states).find({ tenantId: TENANT }).toArray();
      const byId = new Map(states.map((s) => [s.conversationId, s]));
      for (const id of ids) {
        const state = byId.get(id);
        const expected = closed.has(id) ? ['closed'] : ['assigned', 'queued'];
        if (!state || !expected.includes(state.state)) {
          const closure = await db.collection(Collections.closures).findOne({ _id: `${TENANT}:${id}` as never });
          found.push(
            `${id} is ${state?.state ?? 'unknown'} (opened v${state?.lifecycleVersion}, closure ${JSON.stringify(closure)})`,
          );
        }
        if (state && state.outboxCount > 0) found.push(`${id} has unpublished events`);
      }
      const slots = await db.collection<SlotDocument>(Collections.slots).find({ tenantId: TENANT }).toArray();
      const slotOf = new Map<string, SlotDocument>();
      for (const slot of slots) {
        const other = slotOf.get(slot.conversationId);
        if (other) found.push(`${slot.conversationId} held by ${other.agentId} and ${slot.agentId}`);
        slotOf.set(slot.conversationId, slot);
      }
      const load = (agentId: string, group: string) =>
        slots.filter((s) => s.agentId === agentId && s.group === group).length;
      for (const agent of agents) {
        for (const group of CHANNEL_GROUPS) {
          if (load(agent.agentId, group) > agent.capacity[group])
            found.push(`${agent.agentId} over capacity in ${group}`);
        }
      }
      for (const state of states) {
        const slot = slotOf.get(state.conversationId);
        if (state.state === 'assigned' && slot?.agentId !== state.agentId) {
          found.push(`${state.conversationId} assigned to ${state.agentId} but held by ${slot?.agentId ?? 'nobody'}`);
        }
        if (slot && state.announcedEventId !== slot.eventId) {
          found.push(`${state.conversationId} assignment not announced`);
        }
        if (state.state !== 'assigned' && slot)
          found.push(`${state.conversationId} is ${state.state} but held by ${slot.agentId}`);
      }
      const now = new Date();
      // Nobody waits while an available agent could take them (freed capacity was pulled).
      for (const state of states.filter((s) => s.state === 'queued')) {
        const taker = agents.find(
          (a) =>
            isAvailable(a, now, 3_600_000) &&
            load(a.agentId, state.group) < a.capacity[state.group] &&
            hasSkills(a.skills, state.requiredSkills),
        );
        if (taker) found.push(`${state.conversationId} waits although ${taker.agentId} could take it`);
      }
      return found;
    };
    let last: string[] = [];
    await waitFor(
      'a consistent, settled routing state',
      async () => {
        last = await problems();
        return last.length === 0;
      },
      { timeoutMs: 300_000, intervalMs: 1_000 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${last.slice(0, 20).join('\n')}`);
    });

    const decisions = await db.collection<DecisionDocument>(Collections.decisions).find({ tenantId: TENANT }).toArray();
    const claims = decisions.filter((d) => d.outcome === 'assigned');
    const overfilled = claims.filter((d) => d.loadAfterClaim > d.capacityAtClaim);
    expect(overfilled).toEqual([]);
    const states = await db.collection<RoutingStateDocument>(Collections.states).find({ tenantId: TENANT }).toArray();
    const count = (name: string) => states.filter((s) => s.state === name).length;
    process.stdout.write(
      `routing invariants: ${CONVERSATIONS} conversations, ${AGENTS} agents, 2 replicas, 20 presence flips, ${toResolve.length} resolved; ` +
        `settled in ${Date.now() - started} ms: ${count('assigned')} assigned, ${count('queued')} queued, ${count('closed')} closed; ` +
        `${decisions.length} decisions, ${claims.length} capacity claims, ${overfilled.length} over capacity, ` +
        `${decisions.reduce((n, d) => n + d.candidates.filter((c) => c.claimLost).length, 0)} claims lost to a concurrent decision\n`,
    );
  }, 900_000);
});
