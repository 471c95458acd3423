import { EventHeaders, type EventType } from '@omni/contracts';
import { Kafka, logLevel } from 'kafkajs';

export interface Received<T> {
  key: string;
  value: T;
  eventId: string;
}

/**
 * Reads what a service published, as any consumer would: every message of the
 * recorded topics from the beginning, decoded, in arrival order.
 */
export class TopicRecorder {
  private readonly kafka: Kafka;
  private readonly topics = new Map<string, (bytes: Buffer, base: Omit<Received<unknown>, 'value'>) => void>();
  private consumer?: ReturnType<Kafka['consumer']>;

  constructor(
    brokers: string[],
    private readonly topicPrefix: string,
  ) {
    this.kafka = new Kafka({ clientId: 'topic-recorder', brokers, logLevel: logLevel.NOTHING });
  }

  /** The list that fills as events of `baseTopic` arrive; call before start(). */
  record<T>(baseTopic: string, type: EventType<T>): Received<T>[] {
    const received: Received<T>[] = [];
    this.topics.set(this.topicPrefix + baseTopic, (bytes, base) =>
      received.push({ ...base, value: type.decode(bytes) }),
    );
    return received;
  }

  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `recorder-${Math.random().toString(36).slice(2)}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics.keys()], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        this.topics.get(topic)?.(message.value ?? Buffer.alloc(0), {
          key: message.key?.toString() ?? '',
          eventId: message.headers?.[EventHeaders.eventId]?.toString() ?? '',
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
