import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { checkPendingRequestsOnlyWhileWaiting } from '@omni/kafka';
import express from 'express';
import { Kafka, logLevel } from 'kafkajs';
import { serveChild } from './child-targets';
import { type Started, startService } from './service-child';

/**
 * The servers the webhook bench loads, in a process of their own so the load
 * generator does not share their event loop. Driven over IPC by webhook.bench.ts:
 * it answers `{ ports }` once everything listens and stops on `stop`.
 */

function listen(app: express.Express): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

/** Baseline 1: express parsing the JSON body and answering, nothing else. */
async function bareExpress() {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/webhook', (req, res) => {
    res.status(200).json({ received: Array.isArray(req.body?.entry) ? req.body.entry.length : 0 });
  });
  return listen(app);
}

/** Baseline 2: the same, plus one kafkajs send per request (acks=all), answered after the ack. */
async function kafkaExpress(brokers: string[]) {
  // The services' own client: kafkajs with the idle-timer fix that @omni/kafka applies.
  checkPendingRequestsOnlyWhileWaiting();
  const kafka = new Kafka({ brokers, clientId: 'bench-webhook-baseline', logLevel: logLevel.NOTHING });
  const topic = `bench-webhook-baseline-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const app = express();
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.post('/webhook', async (req, res) => {
    await producer.send({ topic, acks: -1, messages: [{ key: randomBytes(8).toString('hex'), value: req.body }] });
    res.status(200).json({ received: 1 });
  });
  const listening = await listen(app);
  return { ...listening, producer };
}

serveChild('ports', async (env) => {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',');
  const [bare, withKafka, social] = await Promise.all([
    bareExpress(),
    kafkaExpress(brokers),
    startService('ingest-social', env),
  ]);
  let conversation: Started | undefined;
  return {
    ready: { bare: bare.port, kafka: withKafka.port, social: social.httpPort },
    async handle(message) {
      if (message.command === 'start-conversation') {
        conversation = await startService('conversation', env);
        return { conversation: 'started' };
      }
      if (message.command === 'stop-conversation') {
        await conversation?.stop();
        conversation = undefined;
        return { conversation: 'stopped' };
      }
      return undefined;
    },
    async stop() {
      bare.server.close();
      withKafka.server.close();
      await withKafka.producer.disconnect();
      await Promise.all([social.stop(), conversation?.stop()]);
    },
  };
});
