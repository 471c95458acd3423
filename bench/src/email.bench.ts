import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicId } from '@omni/contracts';
import { startStack } from '@omni/dev-stack';
import { MongoClient } from 'mongodb';
import { createTransport } from 'nodemailer';
import { kafkaBaseline } from './kafka-baseline';
import { type Measurement, printTable, runConcurrently, summarize } from './stats';

const root = join(__dirname, '..', '..');
interface Started {
  stop(): Promise<void>;
  smtpPort?: number;
}
// The services' compiled entry points, as `npm start` runs them (in this process, to keep one stack).
const { startIngestEmail } = require(join(root, 'services/ingest-email/dist/service.js')) as {
  startIngestEmail(env: NodeJS.ProcessEnv): Promise<Started & { smtpPort: number }>;
};
const { startConversation } = require(join(root, 'services/conversation/dist/service.js')) as {
  startConversation(env: NodeJS.ProcessEnv): Promise<Started>;
};

const COUNT = Number(process.env.BENCH_MAILS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BODY = `Hello,\n\n${'My order has not arrived yet. '.repeat(30)}\n\nThanks`;

async function emailScenario(env: NodeJS.ProcessEnv, mongoUri: string, dbName: string): Promise<Measurement[]> {
  const [ingest, conversation] = await Promise.all([startIngestEmail(env), startConversation(env)]);
  const mongo = await MongoClient.connect(mongoUri);
  const messages = mongo.db(dbName).collection<{ _id: string }>('messages');
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  const acceptLatencies: number[] = [];
  let lastAccept = 0;
  const transport = createTransport({
    host: '127.0.0.1',
    port: ingest.smtpPort,
    pool: true,
    maxConnections: CONCURRENCY,
    maxMessages: Number.POSITIVE_INFINITY,
    ignoreTLS: true,
  });

  let sending = true;
  // Visible in the thread = stored by the conversation service; polled in batches of ids.
  const watcher = (async () => {
    while (sending || acceptedAt.size > 0) {
      const pending = [...acceptedAt.keys()];
      if (pending.length > 0) {
        const found = await messages.find({ _id: { $in: pending } }, { projection: { _id: 1 } }).toArray();
        const now = performance.now();
        for (const { _id } of found) {
          latencies.push(now - (acceptedAt.get(_id) as number));
          acceptedAt.delete(_id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

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
    acceptedAt.set(deterministicId('msg', 'shop', 'email', messageId), lastAccept);
  });
  sending = false;
  await watcher;
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  await mongo.close();
  await Promise.all([ingest.stop(), conversation.stop()]);
  return [
    // Ingest alone: DATA → blob store → parse → Kafka acknowledged → 250.
    summarize('email: SMTP send → 250 (ingest)', acceptLatencies, (lastAccept - started) / 1000),
    summarize('email: SMTP accept → visible in thread', latencies, seconds),
  ];
}

async function main(): Promise<void> {
  const stack = await startStack({ name: 'bench', log: (line) => process.stderr.write(`[dev-stack] ${line}\n`) });
  try {
    const work = mkdtempSync(join(tmpdir(), 'omni-bench-'));
    const channels = join(work, 'channels.json');
    writeFileSync(
      channels,
      JSON.stringify({
        tenants: [
          {
            id: 'shop',
            name: 'Shop',
            inboxes: [
              {
                id: 'shop-email',
                channel: 'email',
                addresses: ['support@shop.test'],
                fromAddress: 'support@shop.test',
              },
            ],
          },
        ],
      }),
    );
    const dbName = `bench_${Date.now()}`;
    const env = {
      ...process.env,
      KAFKA_BROKERS: stack.kafkaBrokers,
      MONGODB_URI: stack.mongoUri,
      MONGODB_DB: dbName,
      KAFKA_TOPIC_PREFIX: `${dbName}.`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '0',
      SMTP_RELAY_URL: 'smtp://127.0.0.1:2',
      CHANNELS_CONFIG_FILE: channels,
      LOG_LEVEL: 'warn',
    };
    const baseline = await kafkaBaseline(stack.kafkaBrokers.split(','), COUNT, CONCURRENCY, 1024);
    const [ingestOnly, email] = (await emailScenario(env, stack.mongoUri, dbName)) as [Measurement, Measurement];
    printTable([baseline, ingestOnly, email]);
    const ratio = email.perSecond / baseline.perSecond;
    process.stdout.write(`\nthroughput ratio email / raw kafka: ${ratio.toFixed(2)} (goal ≥ 0.50)\n`);
    const results = join(root, 'bench', 'results');
    mkdirSync(results, { recursive: true });
    const file = join(results, `email-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ count: COUNT, concurrency: CONCURRENCY, baseline, ingestOnly, email, ratio }, null, 2)}\n`,
    );
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
