import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { issueApiKey } from '@omni/auth';
import {
  Channel,
  ConversationServiceClient,
  ConversationServiceService,
  deterministicId,
  GetConversationRequest,
  type GetConversationResponse,
  IdentityKind,
  InboundMessage,
  InboundMessageType,
  Topics,
} from '@omni/contracts';
import { startStack } from '@omni/dev-stack';
import { KafkaClient } from '@omni/kafka';
import { type Document, MongoClient } from 'mongodb';
import pino from 'pino';
import { runBench, writeResults } from './bench-env';
import { ChildTargets } from './child-targets';
import { ECHO_DEFINITION } from './read-baselines-child';
import { type Measurement, machineTicks, printTable, runConcurrently, summarize } from './stats';
import { storeCommandCount } from './store-baseline';

const REQUESTS = Number(process.env.BENCH_READS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Each scenario runs REQUESTS / ROUNDS calls per round, rounds interleaved, so drifting machine load hits all alike. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
/**
 * Each scenario is first called for this long (and at least 100 times): the service's and the
 * baselines' processes compile their hot paths, and the stack just started (Kafka's JIT, the
 * service's consumer joining its group) settles, before anything is measured.
 */
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);
const WARM_UP_MIN_CALLS = 100;
const MESSAGES = 30;
const TIMELINE = 20;

interface Scenario {
  name: string;
  call: () => Promise<unknown>;
  /** CPU seconds used so far by the process that serves the calls, when it is a child of the bench. */
  cpuSeconds?: () => number;
}

interface ReadMeasurement extends Measurement {
  perSecondByRound: number[];
  /** Document commands the store answered per call, whoever sent them (the service's background work included). */
  storeCommandsPerCall: number;
  /** CPU milliseconds the serving process used per call of this scenario (its idle work included); NaN if unknown. */
  serverCpuMsPerCall: number;
  /** Share of the machine's CPU time (all cores) that was busy during this scenario, from /proc/stat; NaN if unknown. */
  machineBusy: number;
}

/**
 * Warms every scenario up at CONCURRENCY (connections, caches, JIT) for WARM_UP_SECONDS, then measures
 * them round by round.
 * `storeCommands` reads the store's command counter, and each scenario's `cpuSeconds` its server's CPU
 * time, before and after each scenario's share of a round.
 */
async function measureAll(scenarios: Scenario[], storeCommands: () => Promise<number>): Promise<ReadMeasurement[]> {
  const runs = scenarios.map((s) => ({
    ...s,
    latencies: [] as number[],
    seconds: 0,
    rounds: [] as number[],
    commands: 0,
    cpu: 0,
    busy: 0,
    total: 0,
  }));
  for (const run of runs) {
    const until = performance.now() + WARM_UP_SECONDS * 1000;
    do await runConcurrently(WARM_UP_MIN_CALLS, CONCURRENCY, async () => void (await run.call()));
    while (performance.now() < until);
  }
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of runs) {
      const commandsBefore = await storeCommands();
      const cpuBefore = run.cpuSeconds?.() ?? Number.NaN;
      const machineBefore = machineTicks();
      const started = performance.now();
      await runConcurrently(perRound, CONCURRENCY, async () => {
        const t = performance.now();
        await run.call();
        run.latencies.push(performance.now() - t);
      });
      const seconds = (performance.now() - started) / 1000;
      run.cpu += (run.cpuSeconds?.() ?? Number.NaN) - cpuBefore;
      const machineAfter = machineTicks();
      run.busy += machineAfter.busy - machineBefore.busy;
      run.total += machineAfter.total - machineBefore.total;
      run.commands += (await storeCommands()) - commandsBefore;
      run.seconds += seconds;
      run.rounds.push(perRound / seconds);
    }
  }
  return runs.map((run) => ({
    ...summarize(run.name, run.latencies, run.seconds),
    perSecondByRound: run.rounds,
    storeCommandsPerCall: run.commands / (perRound * ROUNDS),
    serverCpuMsPerCall: (run.cpu * 1000) / (perRound * ROUNDS),
    machineBusy: run.busy / run.total,
  }));
}

/** The median over rounds of a scenario's rate against the lower of two baselines in the same round. */
function medianRoundRatio(measured: ReadMeasurement, a: ReadMeasurement, b: ReadMeasurement): number {
  const ratios = measured.perSecondByRound
    .map((rate, i) => rate / Math.min(a.perSecondByRound[i] ?? Number.NaN, b.perSecondByRound[i] ?? Number.NaN))
    .sort((x, y) => x - y);
  const middle = Math.floor(ratios.length / 2);
  return ratios.length % 2
    ? (ratios[middle] as number)
    : ((ratios[middle - 1] as number) + (ratios[middle] as number)) / 2;
}

function httpGet(agent: Agent, port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
        else resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function seed(brokers: string, prefix: string): Promise<string> {
  const kafka = new KafkaClient({
    brokers: brokers.split(','),
    clientId: 'bench-seed',
    topicPrefix: prefix,
    logger: pino({ level: 'silent' }),
    logLevel: 'error',
  });
  const producer = await kafka.producer();
  const start = Date.now() - MESSAGES * 60_000;
  const messages = Array.from({ length: MESSAGES }, (_, i) =>
    InboundMessage.fromPartial({
      id: deterministicId('msg', 'shop', 'bench', String(i)),
      tenantId: 'shop',
      inboxId: 'shop-email',
      channel: i % 2 ? Channel.CHANNEL_WHATSAPP : Channel.CHANNEL_EMAIL,
      channelMessageId: `bench-${i}`,
      sender: { identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'reader@bench.example' }, displayName: 'R' },
      subject: 'Where is my order?',
      text: `Message ${i}: ${'my order has not arrived. '.repeat(8)}`,
      sentAt: new Date(start + i * 60_000),
      receivedAt: new Date(start + i * 60_000 + 500),
    }),
  );
  await producer.publish(
    InboundMessageType,
    Topics.inbound,
    messages.map((value) => ({ key: 'shop:reader', value, eventId: value.id })),
  );
  await kafka.close();
  return messages[0]?.id as string;
}

async function main(): Promise<void> {
  const stack = await startStack({ name: 'bench', log: (line) => process.stderr.write(`[dev-stack] ${line}\n`) });
  const closers: Array<() => Promise<unknown> | unknown> = [];
  try {
    const dbName = `bench_read_${Date.now()}`;
    const prefix = `${dbName}.`;
    const env = {
      ...process.env,
      KAFKA_BROKERS: stack.kafkaBrokers,
      MONGODB_URI: stack.mongoUri,
      MONGODB_DB: dbName,
      KAFKA_TOPIC_PREFIX: prefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT_PER_SECOND: '1000000',
      API_RATE_LIMIT_BURST: '1000000',
    };
    // The service runs in a process of its own, as deployed; so do the transport baselines below. Two
    // replicas of it serve the same data: one as measured against the goal, one with the OpenTelemetry
    // SDK loaded (`--require @omni/telemetry/register`, as `npm start` and the image run it, no exporter
    // configured), so the SDK's cost is measured in the same rounds.
    const startService = async (execArgv: string[]) => {
      const { targets, ready } = await ChildTargets.start(
        'service-child.js',
        env,
        'ports',
        { BENCH_SERVICE: 'conversation' },
        execArgv,
      );
      closers.push(() => targets.stop());
      return { targets, ports: ready.ports as { grpc: number; http: number } };
    };
    const service = await startService([]);
    const traced = await startService(['--require', require.resolve('@omni/telemetry/register')]);
    const firstMessage = await seed(stack.kafkaBrokers, prefix);
    const mongo = await MongoClient.connect(stack.mongoUri);
    closers.push(() => mongo.close());
    const conversations = mongo.db(dbName).collection<{ _id: string; messageCount: number }>('conversations');
    const messagesCol = mongo.db(dbName).collection<{ _id: string; conversationId: string }>('messages');
    let conversationId = '';
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const first = await messagesCol.findOne({ _id: firstMessage });
      const conv = first && (await conversations.findOne({ _id: first.conversationId }));
      if (conv && conv.messageCount >= MESSAGES) {
        conversationId = conv._id;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!conversationId) throw new Error('the seeded conversation never held every message');
    const db = mongo.db(dbName);
    const keyStore = { collection: <T extends Document>(name: string) => db.collection<T>(name) };
    const { key } = await issueApiKey(keyStore, { tenantId: 'shop', role: 'agent', name: 'bench' });

    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${key}`);
    const getRequest = GetConversationRequest.fromPartial({ conversationId, timelinePageSize: TIMELINE });
    const grpcGetter = (port: number) => {
      const client = new ConversationServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
      closers.push(() => client.close());
      return () =>
        new Promise<GetConversationResponse>((resolve, reject) =>
          client.getConversation(getRequest, metadata, (e: ServiceError | null, r: GetConversationResponse) =>
            e ? reject(e) : resolve(r),
          ),
        );
    };
    const grpcGet = grpcGetter(service.ports.grpc);
    const tracedGrpcGet = grpcGetter(traced.ports.grpc);
    const sample = await grpcGet();
    if ((await tracedGrpcGet()).timeline.length !== TIMELINE) throw new Error('the traced replica answers otherwise');
    if (sample.timeline.length !== TIMELINE) throw new Error(`timeline has ${sample.timeline.length} entries`);
    const responseBytes = Buffer.from(ConversationServiceService.getConversation.responseSerialize(sample));

    // Baselines, each doing the least its layer can: same response size, same machine, same run. Their
    // clients do what the measured ones do: the echo client sends the same request and metadata and decodes
    // the same protobuf response; the bare express request carries the same Authorization header.
    const restPath = `/v1/conversations/${conversationId}?timeline_page_size=${TIMELINE}`;
    const authorization = { authorization: `Bearer ${key}` };
    const restBody = await httpGet(new Agent({ keepAlive: true }), service.ports.http, restPath, authorization);
    const { targets: baselines, ready: baselineReady } = await ChildTargets.start(
      'read-baselines-child.js',
      {},
      'ports',
      { BENCH_ECHO_BYTES: responseBytes.toString('base64'), BENCH_BARE_BODY: restBody },
    );
    closers.push(() => baselines.stop());
    const baselinePorts = baselineReady.ports as { echo: number; bare: number };
    const method = ConversationServiceService.getConversation;
    const EchoClient = makeGenericClientConstructor(
      {
        echo: {
          ...(ECHO_DEFINITION.echo as (typeof ECHO_DEFINITION)[string]),
          requestSerialize: method.requestSerialize,
          responseDeserialize: method.responseDeserialize,
        },
      },
      'Echo',
    );
    const echoClient = new EchoClient(`127.0.0.1:${baselinePorts.echo}`, credentials.createInsecure()) as unknown as {
      echo(
        req: GetConversationRequest,
        metadata: Metadata,
        cb: (e: ServiceError | null, r: GetConversationResponse) => void,
      ): void;
      close(): void;
    };
    closers.push(() => echoClient.close());
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    closers.push(() => agent.destroy());

    const loadBefore = loadavg();
    const rows = await measureAll(
      [
        {
          name: 'baseline: grpc-js echo (same bytes)',
          call: () => new Promise((r, j) => echoClient.echo(getRequest, metadata, (e, v) => (e ? j(e) : r(v)))),
          cpuSeconds: () => baselines.cpuSeconds(),
        },
        {
          name: 'baseline: bare express (same body)',
          call: () => httpGet(agent, baselinePorts.bare, '/bare', authorization),
          cpuSeconds: () => baselines.cpuSeconds(),
        },
        {
          name: 'baseline: raw findOne by _id',
          call: () => conversations.findOne({ _id: conversationId }),
          // The bench's own process is the findOne's client: the driver's share of a call.
          cpuSeconds: () => {
            const { user, system } = process.cpuUsage();
            return (user + system) / 1e6;
          },
        },
        {
          name: `gRPC GetConversation + ${TIMELINE} timeline`,
          call: grpcGet,
          cpuSeconds: () => service.targets.cpuSeconds(),
        },
        {
          name: `REST GET conversation + ${TIMELINE} timeline`,
          call: () => httpGet(agent, service.ports.http, restPath, authorization),
          cpuSeconds: () => service.targets.cpuSeconds(),
        },
        {
          name: 'gRPC, OpenTelemetry SDK loaded',
          call: tracedGrpcGet,
          cpuSeconds: () => traced.targets.cpuSeconds(),
        },
        {
          name: 'REST, OpenTelemetry SDK loaded',
          call: () => httpGet(agent, traced.ports.http, restPath, authorization),
          cpuSeconds: () => traced.targets.cpuSeconds(),
        },
      ],
      () => storeCommandCount(db),
    );
    const load = { before: loadBefore, after: loadavg() };
    printTable(rows);
    const [echoRow, bareRow, findRow, grpcRow, restRow, tracedGrpcRow, tracedRestRow] = rows as [
      ReadMeasurement,
      ReadMeasurement,
      ReadMeasurement,
      ReadMeasurement,
      ReadMeasurement,
      ReadMeasurement,
      ReadMeasurement,
    ];
    // Each transport against the lower of its own baseline and the database's: the floor a read could reach.
    const grpcBase = echoRow.perSecond < findRow.perSecond ? echoRow : findRow;
    const restBase = bareRow.perSecond < findRow.perSecond ? bareRow : findRow;
    const ratios = { grpc: grpcRow.perSecond / grpcBase.perSecond, rest: restRow.perSecond / restBase.perSecond };
    const tracedRatios = {
      grpc: tracedGrpcRow.perSecond / grpcBase.perSecond,
      rest: tracedRestRow.perSecond / restBase.perSecond,
    };
    const cpuText = (row: ReadMeasurement) => row.serverCpuMsPerCall.toFixed(2);
    // Adjacent measurements share the machine's load of the moment: the per-round ratio is the steadier figure.
    const roundRatios = {
      grpc: medianRoundRatio(grpcRow, echoRow, findRow),
      rest: medianRoundRatio(restRow, bareRow, findRow),
    };
    // A call reads the store once and crosses its transport once. Were the machine's cores saturated by
    // either baseline alone, the two costs would add: 1 / (1/findOne + 1/transport). The service runs in
    // its own process, so the two overlap where cores are free, and an endpoint may pass this figure.
    const inTurn = (transport: ReadMeasurement) => 1 / (1 / findRow.perSecond + 1 / transport.perSecond);
    const ceilings = { grpc: inTurn(echoRow), rest: inTurn(bareRow) };
    const ofCeiling = { grpc: grpcRow.perSecond / ceilings.grpc, rest: restRow.perSecond / ceilings.rest };
    const loadText = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
    process.stdout.write(
      `\nratio to the lower baseline (goal ≥ 0.60): gRPC ${ratios.grpc.toFixed(2)} (of ${grpcBase.scenario}), ` +
        `REST ${ratios.rest.toFixed(2)} (of ${restBase.scenario})\n` +
        `median over rounds of each round's ratio: gRPC ${roundRatios.grpc.toFixed(2)}, REST ${roundRatios.rest.toFixed(2)}\n` +
        `a store read and a transport, costs added: ${ceilings.grpc.toFixed(0)}/s over gRPC ` +
        `(${(ceilings.grpc / grpcBase.perSecond).toFixed(2)} of its lower baseline), ${ceilings.rest.toFixed(0)}/s over REST ` +
        `(${(ceilings.rest / restBase.perSecond).toFixed(2)}); the endpoints reach ${ofCeiling.grpc.toFixed(2)} / ` +
        `${ofCeiling.rest.toFixed(2)} of that\n` +
        `response: ${responseBytes.length} bytes protobuf, ${restBody.length} bytes JSON; concurrency ${CONCURRENCY}, ` +
        `${ROUNDS} interleaved rounds after ${WARM_UP_SECONDS} s of warm-up each; load average before ${loadText(load.before)}, after ${loadText(load.after)}\n` +
        `store commands per call: ${rows.map((row) => `${row.scenario} ${row.storeCommandsPerCall.toFixed(2)}`).join('; ')}\n` +
        `with the OpenTelemetry SDK loaded (no exporter): gRPC ${tracedRatios.grpc.toFixed(2)}, REST ` +
        `${tracedRatios.rest.toFixed(2)} of the same baselines\n` +
        `machine CPU busy: ${rows.map((row) => `${row.scenario} ${(row.machineBusy * 100).toFixed(0)}%`).join('; ')}\n` +
        `server CPU per call (ms): gRPC ${cpuText(grpcRow)}, REST ${cpuText(restRow)}; with the SDK ` +
        `${cpuText(tracedGrpcRow)} and ${cpuText(tracedRestRow)}; echo ${cpuText(echoRow)}, bare express ` +
        `${cpuText(bareRow)}, the raw findOne's client ${cpuText(findRow)}\n`,
    );
    writeResults('read', {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      warmUpSeconds: WARM_UP_SECONDS,
      load,
      rows,
      ratios,
      roundRatios,
      tracedRatios,
      ceilings,
      ofCeiling,
    });
  } finally {
    for (const close of closers.reverse()) await close();
    await stack.stop();
  }
}

runBench(main);
