import { join } from 'node:path';
import {
  AssignmentAction,
  type AssignmentEvent,
  AssignmentEventType,
  Channel,
  ConversationEvent,
  ConversationEventType,
  Topics,
} from '@omni/contracts';
import { KafkaClient } from '@omni/kafka';
import { createLogger } from '@omni/logging';
import { type Db, MongoClient } from 'mongodb';
import { ROOT, runBench, withBenchStack, writeResults } from './bench-env';
import { type Measurement, printTable, runConcurrently, summarize } from './stats';

// The compiled service, as `npm start` runs it (in this process, to keep one stack).
const { startRouting } = require(join(ROOT, 'services/routing/dist/service.js')) as {
  startRouting(env: NodeJS.ProcessEnv): Promise<{ stop(): Promise<void> }>;
};

const AGENTS = Number(process.env.BENCH_AGENTS ?? 500);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 2000);
const REPLICAS = Number(process.env.BENCH_ROUTING_REPLICAS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000);
const TENANT = 'bench';
/** Enough room for the whole burst (5 chats each), so every conversation gets an agent. */
const MESSAGING_CAPACITY = 5;

/** 500 agents written straight to the store (setup, not measured): online, skills spread over levels 1-10. */
async function seedAgents(db: Db): Promise<void> {
  const now = new Date();
  const agents = Array.from({ length: AGENTS }, (_, i) => {
    const agentId = `agent-${String(i).padStart(4, '0')}`;
    return {
      _id: `${TENANT}:${agentId}`,
      tenantId: TENANT,
      agentId,
      name: agentId,
      skills: { billing: 1 + (i % 10), tech: 1 + ((i * 7) % 10) },
      teams: [],
      capacity: { email: 8, messaging: MESSAGING_CAPACITY },
      presence: 'online',
      heartbeatAt: now,
      lastAssignedAt: null,
      version: 1,
      apiKeyId: '',
      createdAt: now,
      updatedAt: now,
      rawLoad: 0,
    };
  });
  for (let i = 0; i < agents.length; i += 100) {
    await db.collection('agents').insertMany(agents.slice(i, i + 100) as never[]);
  }
  // Half the burst needs billing at level 3 or more (400 of the 500 agents qualify).
  await db.collection('routing_policies').insertOne({
    _id: TENANT as never,
    tenantId: TENANT,
    version: 1,
    defaultPriority: 0,
    rules: [
      {
        name: 'billing',
        match: { channels: [], inboxIds: [], languages: [], keywords: ['invoice'], customerAttributes: {} },
        requiredSkills: { billing: 3 },
        optionalSkills: {},
        priority: 1,
        team: '',
      },
    ],
    escalation: [],
    stickyWaitSeconds: 0,
    offerTimeoutSeconds: 0,
    updatedAt: new Date(),
  });
}

/**
 * The raw baseline: the naive claim a router would make if the store made
 * conditional updates atomic, one findOneAndUpdate per conversation on the
 * same agents collection (the least loaded online agent with room), with the
 * same count and concurrency as the dispatcher's.
 */
async function rawClaims(db: Db): Promise<Measurement> {
  const agents = db.collection('agents');
  const latencies: number[] = [];
  const started = performance.now();
  await runConcurrently(CONVERSATIONS, CONCURRENCY, async () => {
    const begin = performance.now();
    await agents.findOneAndUpdate(
      { tenantId: TENANT, presence: 'online', rawLoad: { $lt: MESSAGING_CAPACITY } },
      { $inc: { rawLoad: 1 }, $set: { rawClaimedAt: new Date() } },
      { sort: { rawLoad: 1 }, returnDocument: 'after' },
    );
    latencies.push(performance.now() - begin);
  });
  return summarize('raw findOneAndUpdate claim (agents)', latencies, (performance.now() - started) / 1000);
}

function opened(i: number): ConversationEvent {
  const conversationId = `bench-${i}`;
  return ConversationEvent.fromPartial({
    id: `evt-${conversationId}`,
    tenantId: TENANT,
    conversationId,
    customerId: `cust-${i}`,
    occurredAt: new Date(),
    version: 1,
    kind: {
      $case: 'opened',
      value: {
        channel: Channel.CHANNEL_WHATSAPP,
        inboxId: 'support',
        language: 'en',
        firstMessageText: i % 2 === 0 ? 'my invoice is wrong' : 'hello',
        customerAttributes: {},
      },
    },
  });
}

async function routingBurst(
  kafka: KafkaClient,
  db: Db,
): Promise<{ measurement: Measurement; events: AssignmentEvent[] }> {
  const states = db.collection('routing_conversations');
  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  const events: AssignmentEvent[] = [];
  const assigned = new Set<string>();
  let lastAssigned = 0;
  await kafka.consume(`bench-assignments-${Date.now()}`, {
    topic: Topics.assignments,
    type: AssignmentEventType,
    fromBeginning: true,
    handle: async (batch) => {
      const now = performance.now();
      for (const { value } of batch) {
        events.push(value);
        if (value.action !== AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED || assigned.has(value.conversationId))
          continue;
        assigned.add(value.conversationId);
        latencies.push(now - (publishedAt.get(value.conversationId) ?? now));
        lastAssigned = now;
      }
    },
  });
  const producer = await kafka.producer();
  const started = performance.now();
  // The burst: every conversation opened as fast as the producer takes them, 100 per send.
  for (let i = 0; i < CONVERSATIONS; i += 100) {
    const batch = Array.from({ length: Math.min(100, CONVERSATIONS - i) }, (_, j) => opened(i + j));
    const sending = producer.publish(
      ConversationEventType,
      Topics.conversationEvents,
      batch.map((value) => ({ key: value.conversationId, value, eventId: value.id })),
    );
    const at = performance.now();
    for (const event of batch) publishedAt.set(event.conversationId, at);
    await sending;
  }
  const deadline = Date.now() + TIMEOUT_MS;
  while (assigned.size < CONVERSATIONS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const recorded = await states.countDocuments({});
    const at = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`${at} s: recorded by routing ${recorded}, assigned ${assigned.size}/${CONVERSATIONS}\n`);
  }
  const seconds = ((assigned.size < CONVERSATIONS ? performance.now() : lastAssigned) - started) / 1000;
  return { measurement: summarize('routing: opened → ASSIGNED', latencies, seconds), events };
}

/** No agent over capacity, no conversation held twice or announced to two agents, load == assigned conversations. */
async function invariants(db: Db, events: readonly AssignmentEvent[]): Promise<string[]> {
  const problems: string[] = [];
  const agents = await db.collection('agents').find({ tenantId: TENANT }).toArray();
  const slots = await db.collection('agent_slots').find({ tenantId: TENANT }).toArray();
  const states = await db.collection('routing_conversations').find({ tenantId: TENANT }).toArray();
  const held = new Map<string, string>();
  for (const slot of slots) {
    const other = held.get(slot.conversationId);
    if (other) problems.push(`${slot.conversationId} held by ${other} and ${slot.agentId}`);
    held.set(slot.conversationId, slot.agentId);
  }
  for (const agent of agents) {
    const load = slots.filter((s) => s.agentId === agent.agentId && s.group === 'messaging').length;
    if (load > agent.capacity.messaging) problems.push(`${agent.agentId} over capacity: ${load}`);
    const assigned = states.filter((s) => s.state === 'assigned' && s.agentId === agent.agentId).length;
    if (assigned !== load) problems.push(`${agent.agentId}: load ${load} but ${assigned} assigned`);
  }
  const announced = new Map<string, Set<string>>();
  for (const event of events.filter((e) => e.action === AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED)) {
    announced.set(event.conversationId, (announced.get(event.conversationId) ?? new Set()).add(event.agentId));
  }
  for (const [conversationId, agentIds] of announced) {
    if (agentIds.size > 1) problems.push(`${conversationId} announced to ${[...agentIds].join(', ')}`);
  }
  const unsettled = states.filter((s) => s.state !== 'assigned' && s.state !== 'queued');
  if (states.length !== CONVERSATIONS || unsettled.length > 0) {
    problems.push(`${states.length} conversations recorded, ${unsettled.length} neither assigned nor queued`);
  }
  return problems;
}

runBench(() =>
  withBenchStack('routing', { tenants: [] }, async ({ env: stackEnv, brokers, mongoUri, dbName }) => {
    // Agents stay online for the whole run without heartbeats.
    const env: NodeJS.ProcessEnv = { ...stackEnv, HEARTBEAT_TTL_SECONDS: '3600' };
    const mongo = await MongoClient.connect(mongoUri);
    const kafka = new KafkaClient({
      brokers: brokers.split(','),
      clientId: 'bench-routing',
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      logger: createLogger({ service: 'bench', level: 'warn' }),
      logLevel: 'error',
    });
    const services: { stop(): Promise<void> }[] = [];
    try {
      const db = mongo.db(dbName);
      for (let i = 0; i < REPLICAS; i++) services.push(await startRouting(env));
      await seedAgents(db);
      const { measurement: routing, events } = await routingBurst(kafka, db);
      const baseline = await rawClaims(db);
      const problems = await invariants(db, events);
      printTable([baseline, routing]);
      const ratio = routing.perSecond / baseline.perSecond;
      process.stdout.write(`\nthroughput ratio routing / raw findOneAndUpdate: ${ratio.toFixed(2)} (goal ≥ 0.50)\n`);
      process.stdout.write(
        `invariants (${AGENTS} agents, ${CONVERSATIONS} conversations, ${REPLICAS} replica(s)): ` +
          `${problems.length === 0 ? 'no violations' : `${problems.length} violations\n  ${problems.slice(0, 20).join('\n  ')}`}\n`,
      );
      const setup = { agents: AGENTS, conversations: CONVERSATIONS, replicas: REPLICAS, concurrency: CONCURRENCY };
      writeResults('routing', { ...setup, baseline, routing, ratio, violations: problems });
      if (problems.length > 0) throw new Error(`${problems.length} invariant violations`);
    } finally {
      for (const service of services) await service.stop();
      await kafka.close();
      await mongo.db(dbName).dropDatabase();
      await mongo.close();
    }
  }),
);
