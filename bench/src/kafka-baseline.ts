import { randomBytes } from 'node:crypto';
import { checkPendingRequestsOnlyWhileWaiting, whileTopicsSettle } from '@omni/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { type Measurement, runConcurrently, summarize } from './stats';

/**
 * The raw baseline: the same kafkajs client producing messages of the same
 * size (acks=all) and one consumer reading them back, with the same count and
 * concurrency as the scenario it is compared with.
 */
export async function kafkaBaseline(
  brokers: string[],
  count: number,
  concurrency: number,
  size: number,
): Promise<Measurement> {
  // The services' own client: kafkajs with the idle-timer fix that @omni/kafka applies.
  checkPendingRequestsOnlyWhileWaiting();
  const kafka = new Kafka({ brokers, clientId: 'bench-baseline', logLevel: logLevel.NOTHING });
  const topic = `bench-baseline-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await whileTopicsSettle(() => consumer.subscribe({ topic, fromBeginning: true }));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let done: () => void = () => undefined;
  const allReceived = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      const start = sentAt.get(key);
      if (start !== undefined) latencies.push(performance.now() - start);
      if (latencies.length === count) done();
    },
  });
  const payload = randomBytes(size);
  const started = performance.now();
  await runConcurrently(count, concurrency, async (i) => {
    sentAt.set(String(i), performance.now());
    await producer.send({ topic, acks: -1, messages: [{ key: String(i), value: payload }] });
  });
  await allReceived;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return summarize('raw kafka produce→consume', latencies, seconds);
}
