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

interface EmailRun {
  ingestOnly: Measurement;
  email: Measurement;
  /** Document commands the store answered per mail (ingest and conversation together). */
  storeCommandsPerMail: number;
  /**
   * CPU milliseconds per mail, from the first send until the last mail was visible: each service's
   * process, and the whole machine (Kafka, FerretDB, PostgreSQL and this process's SMTP client too).
   */
  cpuMsPerMail: { ingest: number; conversation: number; machine: number };
  /** Share of the machine's CPU time (all cores) that was busy meanwhile. */
  machineBusy: number;
}

async function emailScenario({ env, mongoUri, dbName }: BenchStack): Promise<EmailRun> {
  // Each service in a process of its own, as deployed; the SMTP client and the watcher stay in this one.
  const start = (service: string) => ChildTargets.start('service-child.js', env, 'ports', { BENCH_SERVICE: service });
  const [ingest, conversation] = await Promise.all([start('ingest-email'), start('conversation')]);
  const smtpPort = (ingest.ready.ports as { smtp: number }).smtp;
  const mongo = await MongoClient.connect(mongoUri);
  const commandsBefore = await storeCommandCount(mongo.db(dbName));
  const watcher = new VisibilityWatcher(mongo.db(dbName).collection<{ _id: string }>('messages'));
  const acceptLatencies: number[] = [];
  let lastAccept = 0;
  const transport = createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    pool: true,
    maxConnections: CONCURRENCY,
    maxMessages: Number.POSITIVE_INFINITY,
    ignoreTLS: true,
  });

  const cpuBefore = { ingest: ingest.targets.cpuSeconds(), conversation: conversation.targets.cpuSeconds() };
  const machineBefore = machineTicks();
  const started = performance.now();
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
    acceptLatencies.push(lastAccept - sendStart);
    watcher.accepted(deterministicId('msg', 'shop', 'email', messageId), lastAccept);
  });
  await watcher.drain(600_000);
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineTicks();
  const perMail = (cpuSeconds: number) => (cpuSeconds * 1000) / COUNT;
  const cpuMsPerMail = {
    ingest: perMail(ingest.targets.cpuSeconds() - cpuBefore.ingest),
    conversation: perMail(conversation.targets.cpuSeconds() - cpuBefore.conversation),
    // /proc/stat counts ticks of every core: USER_HZ (100) a second each.
    machine: perMail((machineAfter.busy - machineBefore.busy) / 100),
  };
  const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
  // The count's own serverStatus is not a document command.
  const commands = (await storeCommandCount(mongo.db(dbName))) - commandsBefore - watcher.queries;
  transport.close();
  await mongo.close();
  await Promise.all([ingest.targets.stop(), conversation.targets.stop()]);
  return {
    // Ingest alone: DATA → blob store and parse → Kafka acknowledged → 250.
    ingestOnly: summarize('email: SMTP send → 250 (ingest)', acceptLatencies, (lastAccept - started) / 1000),
    email: summarize('email: SMTP accept → visible in thread', watcher.latencies, seconds),
    storeCommandsPerMail: commands / COUNT,
    cpuMsPerMail,
    machineBusy,
  };
}

runBench(() =>
  withBenchStack('email', CHANNELS, async (stack) => {
    const baseline = await kafkaBaseline(stack.brokers.split(','), COUNT, CONCURRENCY, 1024);
    const mongo = await MongoClient.connect(stack.mongoUri);
    const store = await rawStoreBaseline(mongo.db(stack.dbName), COUNT * 10, CONCURRENCY);
    await mongo.close();
    const { ingestOnly, email, storeCommandsPerMail, cpuMsPerMail, machineBusy } = await emailScenario(stack);
    printTable([baseline, store, ingestOnly, email]);
    const ratio = email.perSecond / baseline.perSecond;
    // What the store alone allows for the commands one mail needs: the email path cannot beat it.
    const storeCeiling = store.perSecond / storeCommandsPerMail;
    const storeRatio = email.perSecond / storeCeiling;
    process.stdout.write(
      `\nthroughput ratio email / raw kafka: ${ratio.toFixed(2)} (goal ≥ 0.50)\n` +
        `store commands per mail: ${storeCommandsPerMail.toFixed(1)}; raw store ${store.perSecond.toFixed(0)} ` +
        `commands/s → store-bound ceiling ${storeCeiling.toFixed(1)} mails/s; email reaches ${storeRatio.toFixed(2)} of it\n` +
        `CPU per mail (ms): ingest-email ${cpuMsPerMail.ingest.toFixed(1)}, conversation ` +
        `${cpuMsPerMail.conversation.toFixed(1)}, whole machine ${cpuMsPerMail.machine.toFixed(1)} ` +
        `(busy ${(machineBusy * 100).toFixed(0)}% of its cores)\n`,
    );
    writeResults('email', {
      count: COUNT,
      concurrency: CONCURRENCY,
      baseline,
      store,
      ingestOnly,
      email,
      storeCommandsPerMail,
      cpuMsPerMail,
      machineBusy,
      storeCeiling,
      ratio,
      storeRatio,
    });
  }),
);
