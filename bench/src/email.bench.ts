import { availableParallelism } from 'node:os';
import { deterministicId } from '@omni/contracts';
import { MongoClient } from 'mongodb';
import { createTransport } from 'nodemailer';
import { type BenchStack, runBench, withBenchStack, writeResults } from './bench-env';
import { ChildTargets } from './child-targets';
import { kafkaBaseline } from './kafka-baseline';
import { type Measurement, machineTicks, printTable, runConcurrently, summarize } from './stats';
import { rawStoreBaseline, storeCommandCount } from './store-baseline';
import { VisibilityWatcher } from './visibility-watcher';

const COUNT = Number(process.env.BENCH_MAILS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BODY = `Hello,\n\n${'My order has not arrived yet. '.repeat(30)}\n\nThanks`;
const CHANNELS = {
  tenants: [
    {
      id: 'shop',
      name: 'Shop',
      inboxes: [
        { id: 'shop-email', channel: 'email', addresses: ['support@shop.test'], fromAddress: 'support@shop.test' },
      ],
    },
  ],
};

/** Ms of CPU per mail between a meter's start and its reading: the machine's and given processes'. */
interface CpuPerMail {
  /** The whole machine's busy time (Kafka, FerretDB, PostgreSQL, the services and this process). */
  machine: number;
  /** This process: the SMTP client and, end to end, the visibility watcher. */
  bench: number;
  /** Each named service process. */
  services: Record<string, number>;
  /** Share of the machine's CPU time (all cores) that was busy meanwhile. */
  machineBusy: number;
}

function cpuMeter(services: Record<string, ChildTargets>): (mails: number) => CpuPerMail {
  const seconds = () => Object.fromEntries(Object.entries(services).map(([name, t]) => [name, t.cpuSeconds()]));
  const machineBefore = machineTicks();
  const benchBefore = process.cpuUsage();
  const servicesBefore = seconds();
  return (mails) => {
    const machineAfter = machineTicks();
    const bench = process.cpuUsage(benchBefore);
    const servicesAfter = seconds();
    const perMail = (cpuSeconds: number) => (cpuSeconds * 1000) / mails;
    return {
      // /proc/stat counts ticks of every core: USER_HZ (100) a second each.
      machine: perMail((machineAfter.busy - machineBefore.busy) / 100),
      bench: perMail((bench.user + bench.system) / 1e6),
      services: Object.fromEntries(
        Object.entries(servicesAfter).map(([name, s]) => [name, perMail(s - (servicesBefore[name] ?? Number.NaN))]),
      ),
      machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
  };
}

const startService = (env: NodeJS.ProcessEnv, service: string) =>
  ChildTargets.start('service-child.js', env, 'ports', { BENCH_SERVICE: service });

/** Sends COUNT mails at CONCURRENCY through ingest-email's SMTP port; `accepted` hears of each 250. */
async function sendMails(smtpPort: number, accepted: (messageId: string, at: number) => void) {
  const transport = createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    pool: true,
    maxConnections: CONCURRENCY,
    maxMessages: Number.POSITIVE_INFINITY,
    ignoreTLS: true,
  });
  const latencies: number[] = [];
  const started = performance.now();
  let lastAccept = started;
  await runConcurrently(COUNT, CONCURRENCY, async (i) => {
    const messageId = `bench-${i}-${started.toFixed(0)}@bench.example`;
    const sendStart = performance.now();
    await transport.sendMail({
      from: `customer${i % 50}@bench.example`,
      to: 'support@shop.test',
      subject: `Order question ${i}`,
      text: BODY,
      messageId: `<${messageId}>`,
    });
    lastAccept = performance.now();
    latencies.push(lastAccept - sendStart);
    accepted(messageId, lastAccept);
  });
  transport.close();
  return { latencies, started, acceptSeconds: (lastAccept - started) / 1000 };
}

/**
 * The adapter's share alone: ingest-email with no conversation service behind it (a database and
 * topic prefix nobody consumes), SMTP DATA → raw mail stored and parsed → Kafka acknowledged → 250.
 * Its CPU per mail is what every mail costs the machine before it is threaded.
 */
async function ingestAloneScenario({ env, dbName }: BenchStack): Promise<{ run: Measurement; cpu: CpuPerMail }> {
  const alone = `${dbName}_ingest_alone`;
  const ingest = await startService({ ...env, MONGODB_DB: alone, KAFKA_TOPIC_PREFIX: `${alone}.` }, 'ingest-email');
  const meter = cpuMeter({ 'ingest-email': ingest.targets });
  const sent = await sendMails((ingest.ready.ports as { smtp: number }).smtp, () => undefined);
  const cpu = meter(COUNT);
  await ingest.targets.stop();
  return { run: summarize('ingest-email alone: SMTP send → 250', sent.latencies, sent.acceptSeconds), cpu };
}

interface EmailRun {
  ingestOnly: Measurement;
  email: Measurement;
  /** Document commands the store answered per mail (ingest and conversation together). */
  storeCommandsPerMail: number;
  /** From the first send until the last mail was visible. */
  cpu: CpuPerMail;
}

async function emailScenario(stack: BenchStack): Promise<EmailRun> {
  const { env, mongoUri, dbName } = stack;
  // Each service in a process of its own, as deployed; the SMTP client and the watcher stay in this one.
  const [ingest, conversation] = await Promise.all([
    startService(env, 'ingest-email'),
    startService(env, 'conversation'),
  ]);
  const mongo = await MongoClient.connect(mongoUri);
  const commandsBefore = await storeCommandCount(mongo.db(dbName));
  const watcher = new VisibilityWatcher(mongo.db(dbName).collection<{ _id: string }>('messages'));
  const meter = cpuMeter({ 'ingest-email': ingest.targets, conversation: conversation.targets });
  const sent = await sendMails((ingest.ready.ports as { smtp: number }).smtp, (messageId, at) =>
    watcher.accepted(deterministicId('msg', 'shop', 'email', messageId), at),
  );
  await watcher.drain(600_000);
  const seconds = (performance.now() - sent.started) / 1000;
  const cpu = meter(COUNT);
  // The count's own serverStatus is not a document command.
  const commands = (await storeCommandCount(mongo.db(dbName))) - commandsBefore - watcher.queries;
  await mongo.close();
  await Promise.all([ingest.targets.stop(), conversation.targets.stop()]);
  return {
    // Ingest alone: DATA → blob store and parse → Kafka acknowledged → 250.
    ingestOnly: summarize('email: SMTP send → 250 (ingest)', sent.latencies, sent.acceptSeconds),
    email: summarize('email: SMTP accept → visible in thread', watcher.latencies, seconds),
    storeCommandsPerMail: commands / COUNT,
    cpu,
  };
}

const ms = (value: number) => value.toFixed(1);
function cpuText({ machine, bench, services, machineBusy }: CpuPerMail): string {
  const each = Object.entries(services).map(([name, value]) => `${name} ${ms(value)}`);
  const busy = (machineBusy * 100).toFixed(0);
  return `${each.join(', ')}, bench process ${ms(bench)}, whole machine ${ms(machine)} (busy ${busy}% of its cores)`;
}

runBench(() =>
  withBenchStack('email', CHANNELS, async (stack) => {
    const baseline = await kafkaBaseline(stack.brokers.split(','), COUNT, CONCURRENCY, 1024);
    const mongo = await MongoClient.connect(stack.mongoUri);
    const store = await rawStoreBaseline(mongo.db(stack.dbName), COUNT * 10, CONCURRENCY);
    await mongo.close();
    const alone = await ingestAloneScenario(stack);
    const { ingestOnly, email, storeCommandsPerMail, cpu } = await emailScenario(stack);
    printTable([baseline, store, alone.run, ingestOnly, email]);
    const ratio = email.perSecond / baseline.perSecond;
    // What the store alone allows for the commands one mail needs: the email path cannot beat it.
    const storeCeiling = store.perSecond / storeCommandsPerMail;
    const storeRatio = email.perSecond / storeCeiling;
    // The goal's rate with every core busy leaves each mail this much of the machine's CPU, end to end.
    const cores = availableParallelism();
    const goalBudgetMs = (cores * 1000) / (0.5 * baseline.perSecond);
    process.stdout.write(
      `\nthroughput ratio email / raw kafka: ${ratio.toFixed(2)} (goal ≥ 0.50)\n` +
        `store commands per mail: ${storeCommandsPerMail.toFixed(1)}; raw store ${store.perSecond.toFixed(0)} ` +
        `commands/s → store-bound ceiling ${storeCeiling.toFixed(1)} mails/s; email reaches ${storeRatio.toFixed(2)} of it\n` +
        `CPU per mail (ms), end to end: ${cpuText(cpu)}\n` +
        `CPU per mail (ms), ingest-email alone: ${cpuText(alone.cpu)}\n` +
        `the goal (${(0.5 * baseline.perSecond).toFixed(0)} mails/s) leaves a mail ${ms(goalBudgetMs)} ms of the ` +
        `machine's CPU (${cores} cores); the adapter's share alone takes ${ms(alone.cpu.machine)} ms ` +
        `(${(alone.cpu.machine / goalBudgetMs).toFixed(2)} of it), the whole path ${ms(cpu.machine)} ms\n`,
    );
    writeResults('email', {
      count: COUNT,
      concurrency: CONCURRENCY,
      baseline,
      store,
      ingestAlone: alone.run,
      ingestOnly,
      email,
      storeCommandsPerMail,
      cpuMsPerMail: cpu,
      ingestAloneCpuMsPerMail: alone.cpu,
      goalBudgetMs,
      storeCeiling,
      ratio,
      storeRatio,
    });
  }),
);
