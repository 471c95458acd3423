import { createHook } from 'node:async_hooks';
import { InboundMessage, InboundMessageType, Topics } from '@omni/contracts';
import { KafkaClient } from '@omni/kafka';
import { createTestLogger, createTestScope, waitFor } from '@omni/testing';

const scope = createTestScope('kafka-idle');
const kafka = new KafkaClient({
  brokers: scope.kafkaBrokers,
  clientId: 'kafka-idle-test',
  topicPrefix: scope.topicPrefix,
  logger: createTestLogger('kafka-idle-test'),
  logLevel: 'silent',
});

afterAll(() => kafka.close());

describe('an idle connection', () => {
  it('arms few timers while nothing flows: a connected producer and consumer leave the event loop alone', async () => {
    const topic = `${Topics.inbound}.idle`;
    await kafka.ensureTopics([{ topic, numPartitions: 1 }]);
    const producer = await kafka.producer();
    const seen: string[] = [];
    await kafka.consume('idle-group', {
      topic,
      type: InboundMessageType,
      fromBeginning: true,
      handle: async (events) => {
        seen.push(...events.map((e) => e.value.id));
      },
    });
    await producer.publish(InboundMessageType, topic, [
      {
        key: 'k',
        value: InboundMessage.fromPartial({ id: 'idle-1', tenantId: 'tenant-a', text: 'x' }),
        eventId: 'idle-1',
      },
    ]);
    await waitFor('the message consumed', () => seen.includes('idle-1'));

    // Every setTimeout makes a Timeout resource: kafkajs 2.2.4 re-armed one about every millisecond
    // on each open broker connection (thousands a second here), which the client's fix stops.
    let timers = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'Timeout') timers++;
      },
    }).enable();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // one idle second, counted
    hook.disable();
    expect(timers).toBeLessThan(100);
  });
});
