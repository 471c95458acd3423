import {
  DeadLetterHeaders,
  deadLetterTopic,
  EventHeaders,
  InboundMessage,
  InboundMessageType,
  Topics,
} from '@omni/contracts';
import { KafkaClient } from '@omni/kafka';
import { isDuplicateKeyError, Store } from '@omni/store';
import { createTestLogger, createTestScope, waitFor } from '@omni/testing';
import { Kafka, logLevel } from 'kafkajs';

const scope = createTestScope('kafka-flow');
const logger = createTestLogger('kafka-test');
const kafka = new KafkaClient({
  brokers: scope.kafkaBrokers,
  clientId: 'kafka-flow-test',
  topicPrefix: scope.topicPrefix,
  logger,
  logLevel: 'silent',
});
// A plain client, to write raw bytes and read the DLQ and committed offsets as an operator would.
const raw = new Kafka({ brokers: scope.kafkaBrokers, clientId: 'raw', logLevel: logLevel.NOTHING });
const admin = raw.admin();
let store: Store;

function inbound(id: string, text: string): InboundMessage {
  return InboundMessage.fromPartial({
    id,
    tenantId: 'tenant-a',
    inboxId: 'inbox-1',
    channelMessageId: `<${id}@example.com>`,
    text,
  });
}

beforeAll(async () => {
  store = await Store.connect({ uri: scope.mongoUri, dbName: scope.dbName, appName: 'kafka-test', logger });
  await store.ensureIndexes({ handled: [] });
  await admin.connect();
});

afterAll(async () => {
  await kafka.close();
  await admin.disconnect();
  await store.close();
});

describe('event flow through Kafka into the store', () => {
  it('starts a new group exactly where startGroupAtEnd found the end of the topic, and deletes it', async () => {
    const topic = `${Topics.inbound}.from-end`;
    await kafka.ensureTopics([{ topic, numPartitions: 2 }]);
    const producer = await kafka.producer();
    const publish = (id: string) =>
      producer.publish(InboundMessageType, topic, [{ key: id, value: inbound(id, id), eventId: id }]);
    await publish('before');
    const start = await kafka.startGroupAtEnd('from-end-group', topic);
    expect(start.map((p) => p.offset).reduce((a, b) => a + b)).toBe(1);
    // Published before the group joins: a start resolved at join time ("latest") would skip it.
    await publish('after');
    const seen: string[] = [];
    const consumer = await kafka.consume('from-end-group', {
      topic,
      type: InboundMessageType,
      handle: async (events) => {
        for (const event of events) seen.push(event.value.id);
      },
    });
    await waitFor('the event published before the join', () => seen.includes('after'));
    expect(seen).toEqual(['after']);

    // A group meant for one process is deleted once it stopped.
    await consumer.stop();
    await kafka.deleteGroup('from-end-group');
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).not.toContain(`${scope.topicPrefix}from-end-group`);
  });

  it('writes a delivered-twice event exactly once', async () => {
    const topic = `${Topics.inbound}.once`;
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    const handled = store.collection<{ _id: string; text: string }>('handled');
    let deliveries = 0;
    await kafka.consume('once-group', {
      topic,
      type: InboundMessageType,
      fromBeginning: true,
      handle: async (events) => {
        for (const event of events) {
          deliveries++;
          try {
            await handled.insertOne({ _id: event.value.id, text: event.value.text });
          } catch (error: unknown) {
            if (!isDuplicateKeyError(error)) throw error;
          }
        }
      },
    });
    const producer = await kafka.producer();
    const event = { key: 'tenant-a:alice', value: inbound('m-1', 'hello'), eventId: 'evt-m-1' };
    await producer.publish(InboundMessageType, topic, [event]);
    await producer.publish(InboundMessageType, topic, [event]);

    await waitFor('both deliveries handled', () => deliveries === 2);
    expect(await handled.find({}).toArray()).toEqual([{ _id: 'm-1', text: 'hello' }]);
  });

  it('dead-letters an undecodable message with its reason while later messages flow', async () => {
    const topic = `${Topics.inbound}.poison`;
    const fullTopic = kafka.topicName(topic);
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    const seen: string[] = [];
    await kafka.consume('poison-group', {
      topic,
      type: InboundMessageType,
      fromBeginning: true,
      handle: async (events) => {
        seen.push(...events.map((e) => e.value.text));
      },
    });
    const producer = raw.producer();
    await producer.connect();
    // Field 1 as a varint-length string that runs past the end of the buffer: not protobuf.
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0x03, 0x41]);
    await producer.send({
      topic: fullTopic,
      messages: [
        { key: 'k', value: Buffer.from(InboundMessageType.encode(inbound('a', 'before'))) },
        { key: 'k', value: garbage, headers: { [EventHeaders.type]: InboundMessageType.typeName } },
        { key: 'k', value: Buffer.from(InboundMessageType.encode(inbound('b', 'after'))) },
      ],
    });
    await producer.disconnect();

    await waitFor('the messages around the poison one', () => seen.includes('after'));
    expect(seen).toEqual(['before', 'after']);

    const dlq = await readAll(deadLetterTopic(fullTopic), 1);
    expect(dlq).toHaveLength(1);
    const [dead] = dlq;
    expect(dead?.value).toEqual(garbage);
    expect(dead?.headers[DeadLetterHeaders.error]).toMatch(/cannot decode omni\.v1\.InboundMessage/);
    expect(dead?.headers[DeadLetterHeaders.originTopic]).toBe(fullTopic);
    expect(dead?.headers[DeadLetterHeaders.originPartition]).toBe('0');
    expect(dead?.headers[DeadLetterHeaders.originOffset]).toBe('1');
    await waitFor(
      'offsets committed past the poison message',
      async () => (await committed('poison-group', fullTopic)) === '3',
    );
  });

  it('dead-letters a message whose handler keeps failing, and keeps its neighbours', async () => {
    const topic = `${Topics.inbound}.failing`;
    const fullTopic = kafka.topicName(topic);
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    const stored: string[] = [];
    await kafka.consume('failing-group', {
      topic,
      type: InboundMessageType,
      fromBeginning: true,
      maxAttempts: 3,
      backoff: { initialMs: 10, maxMs: 50 },
      handle: async (events) => {
        if (events.some((e) => e.value.text === 'bad')) throw new Error('cannot handle "bad"');
        stored.push(...events.map((e) => e.value.text));
      },
    });
    const producer = await kafka.producer();
    await producer.publish(InboundMessageType, topic, [
      { key: 'k', value: inbound('1', 'good-1'), eventId: 'e1' },
      { key: 'k', value: inbound('2', 'bad'), eventId: 'e2' },
      { key: 'k', value: inbound('3', 'good-2'), eventId: 'e3' },
    ]);
    const dlq = await readAll(deadLetterTopic(fullTopic), 1);
    expect(dlq[0]?.headers[DeadLetterHeaders.error]).toContain('cannot handle "bad"');
    expect(dlq[0]?.headers[DeadLetterHeaders.attempts]).toBe('3');
    expect(dlq[0]?.headers[EventHeaders.eventId]).toBe('e2');
    expect(stored).toEqual(expect.arrayContaining(['good-1', 'good-2']));
    expect(stored).not.toContain('bad');
  });

  it('a handler that outlasts the session timeout keeps its partition: one call, then one commit', async () => {
    const topic = `${Topics.inbound}.slow`;
    const fullTopic = kafka.topicName(topic);
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    let calls = 0;
    await kafka.consume('slow-group', {
      topic,
      type: InboundMessageType,
      fromBeginning: true,
      // The broker's minimum: a handler silent for longer would be evicted and its batch replayed.
      sessionTimeoutMs: 6_000,
      handle: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 9_000));
      },
    });
    const producer = await kafka.producer();
    await producer.publish(InboundMessageType, topic, [{ key: 'k', value: inbound('s', 'slow'), eventId: 's' }]);
    await waitFor('the slow batch committed', async () => (await committed('slow-group', fullTopic)) === '1');
    expect(calls).toBe(1);
  }, 60_000);

  it('retries a handler that fails twice, then commits once', async () => {
    const topic = `${Topics.inbound}.retry`;
    const fullTopic = kafka.topicName(topic);
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    let calls = 0;
    await kafka.consume('retry-group', {
      topic,
      type: InboundMessageType,
      fromBeginning: true,
      backoff: { initialMs: 10, maxMs: 50 },
      handle: async () => {
        calls++;
        if (calls <= 2) throw new Error(`failure ${calls}`);
      },
    });
    const producer = await kafka.producer();
    await producer.publish(InboundMessageType, topic, [{ key: 'k', value: inbound('r', 'retry me'), eventId: 'r' }]);

    await waitFor('the offset to be committed', async () => (await committed('retry-group', fullTopic)) === '1');
    expect(calls).toBe(3);
    // Dead letters are acknowledged before the commit, so an empty DLQ now means none was sent.
    expect(await messageCount(deadLetterTopic(fullTopic))).toBe(0);
  });

  it('carries type, tenant, event id and trace context headers', async () => {
    const topic = `${Topics.inbound}.headers`;
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    const producer = await kafka.producer();
    await producer.publish(InboundMessageType, topic, [{ key: 'k', value: inbound('h', 'x'), eventId: 'evt-h' }]);
    const [message] = await readAll(kafka.topicName(topic), 1);
    expect(message?.headers[EventHeaders.type]).toBe('omni.v1.InboundMessage');
    expect(message?.headers[EventHeaders.tenant]).toBe('tenant-a');
    expect(message?.headers[EventHeaders.eventId]).toBe('evt-h');
    expect(InboundMessage.decode(message?.value as Buffer).text).toBe('x');
  });
});

/** The group's committed offset; groups carry the deployment's prefix like topics do. */
async function committed(group: string, topic: string): Promise<string | undefined> {
  const [entry] = await admin.fetchOffsets({ groupId: `${scope.topicPrefix}${group}`, topics: [topic] });
  return entry?.partitions[0]?.offset;
}

async function messageCount(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Reads a topic from the start until `count` messages arrived. */
async function readAll(
  topic: string,
  count: number,
): Promise<Array<{ value: Buffer | null; headers: Record<string, string> }>> {
  const consumer = raw.consumer({ groupId: `reader-${Math.random()}` });
  const received: Array<{ value: Buffer | null; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      received.push({ value: message.value, headers });
    },
  });
  try {
    await waitFor(`${count} messages on ${topic}`, () => received.length >= count);
  } finally {
    await consumer.disconnect();
  }
  return received;
}
