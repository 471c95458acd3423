import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { type BenchStack, runBench, withBenchStack, writeResults } from './bench-env';
import { ChildTargets } from './child-targets';
import { type Measurement, printTable, summarize } from './stats';
import { VisibilityWatcher } from './visibility-watcher';
import { CHANNELS, signedWebhook } from './webhook-bodies';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
/** Webhooks sent to measure latency to visible in the thread (the conversation service runs only then). */
const VISIBLE_COUNT = Number(process.env.BENCH_VISIBLE_WEBHOOKS ?? 400);

interface Ports {
  bare: number;
  kafka: number;
  social: number;
}

interface WebhookMeasurement extends Measurement {
  non2xx: number;
  errors: number;
}

interface Load {
  port: number;
  /** Send every body to this path instead of the webhook's own (the baselines have one route). */
  path?: string;
  run: string;
  seconds?: number;
  amount?: number;
  onAccepted?: (messageId: string) => void;
}

/** Signed WhatsApp and Messenger webhooks, alternately, each with a fresh message id. */
function load({ port, path, run, seconds, amount, onAccepted }: Load): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    // autocannon refuses fewer requests than connections.
    connections: Math.min(CONNECTIONS, amount ?? CONNECTIONS),
    duration: seconds ?? SECONDS,
    amount,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const webhook = signedWebhook(run, n++);
          (context as { messageId?: string }).messageId = webhook.messageId;
          return { ...request, path: path ?? webhook.path, headers: webhook.headers, body: webhook.body };
        },
        onResponse: (status, _body, context) => {
          const { messageId } = context as { messageId?: string };
          if (status === 200 && messageId) onAccepted?.(messageId);
        },
      },
    ],
  });
}

function measured(scenario: string, result: autocannon.Result): WebhookMeasurement {
  return {
    scenario,
    count: result['2xx'],
    seconds: result.duration,
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Accepted webhook → stored in the customer's thread by the conversation service. */
async function visibility(targets: ChildTargets, ports: Ports, stack: BenchStack): Promise<Measurement> {
  await targets.ask({ command: 'start-conversation' }, 'conversation');
  const mongo = await MongoClient.connect(stack.mongoUri);
  const watcher = new VisibilityWatcher(mongo.db(stack.dbName).collection<{ _id: string }>('messages'));
  try {
    const started = performance.now();
    await load({
      port: ports.social,
      run: `visible-${Date.now()}`,
      amount: VISIBLE_COUNT,
      onAccepted: (id) => watcher.accepted(id),
    });
    await watcher.drain(600_000);
    return summarize('webhook accepted → visible in thread', watcher.latencies, (performance.now() - started) / 1000);
  } finally {
    await watcher.stop();
    await mongo.close();
    await targets.ask({ command: 'stop-conversation' }, 'conversation');
  }
}

async function throughput(name: string, port: number, path?: string): Promise<WebhookMeasurement> {
  const run = `${name}-${Date.now()}`;
  await load({ port, path, run: `${run}-warmup`, seconds: WARMUP_SECONDS });
  return measured(name, await load({ port, path, run }));
}

runBench(() =>
  withBenchStack('webhook', CHANNELS, async (stack) => {
    // The servers under test run in a child process, so the load generator has its own event loop.
    const { targets, ready } = await ChildTargets.start('webhook-targets.js', stack.env, 'ports');
    const ports = ready.ports as Ports;
    let rows: { bare: WebhookMeasurement; kafka: WebhookMeasurement; social: WebhookMeasurement };
    let visible: Measurement;
    try {
      visible = await visibility(targets, ports, stack);
      rows = {
        bare: await throughput('baseline 1: bare express', ports.bare, '/webhook'),
        kafka: await throughput('baseline 2: express + kafkajs send per request', ports.kafka, '/webhook'),
        social: await throughput('ingest-social: signed webhook → 200 after Kafka ack', ports.social),
      };
    } finally {
      await targets.stop();
    }
    printTable([rows.bare, rows.kafka, rows.social, visible]);
    const lower = Math.min(rows.bare.perSecond, rows.kafka.perSecond);
    const ratios = {
      toLowerBaseline: rows.social.perSecond / lower,
      toBareExpress: rows.social.perSecond / rows.bare.perSecond,
      toKafkaPerRequest: rows.social.perSecond / rows.kafka.perSecond,
    };
    process.stdout.write(
      `\nnon-2xx / errors: ${Object.values(rows)
        .map((r) => `${r.non2xx}/${r.errors}`)
        .join(', ')}\n` +
        `throughput ratio webhook / lower baseline: ${ratios.toLowerBaseline.toFixed(2)}` +
        ` (to bare express ${ratios.toBareExpress.toFixed(2)}, to kafka per request ${ratios.toKafkaPerRequest.toFixed(2)})\n`,
    );
    writeResults('webhook', { connections: CONNECTIONS, seconds: SECONDS, ...rows, visible, ratios });
  }),
);
