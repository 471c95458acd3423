import { EventHeaders, type EventType } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { KafkaMetrics } from './kafka-metrics';
import { traceHeaders } from './trace-headers';

export interface OutgoingEvent<T> {
  /** Partition key: events of one key keep their order. */
  key: string;
  value: T;
  /** Deterministic id derived from the event's cause, for consumers to dedupe. */
  eventId: string;
  headers?: Record<string, string>;
}

/** Kafka did not acknowledge in time; the caller should answer "try again later". */
export class PublishTimeoutError extends Error {
  readonly transient = true;
  constructor(topic: string, timeoutMs: number) {
    super(`Kafka did not acknowledge ${topic} within ${timeoutMs} ms`);
    this.name = 'PublishTimeoutError';
  }
}

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface EventProducerSettings {
  logger: Logger;
  metrics: KafkaMetrics;
  /** Bound on waiting for Kafka's acknowledgement, so callers can answer 451/503 instead of hanging. */
  publishTimeoutMs: number;
  topicName: (base: string) => string;
}

/**
 * Publishes protobuf events with acks from all in-sync replicas. Calls made
 * while a send is in flight are gathered into the next `sendBatch`, so
 * concurrent publishers share round trips without a fixed linger delay.
 */
export class EventProducer {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly producer: Producer,
    private readonly settings: EventProducerSettings,
  ) {}

  /** Encodes and publishes events of one type to a topic (named before the prefix). */
  publish<T>(type: EventType<T>, baseTopic: string, events: readonly OutgoingEvent<T>[]): Promise<void> {
    const trace = traceHeaders();
    const messages = events.map((event) => ({
      key: event.key,
      value: Buffer.from(type.encode(event.value)),
      headers: {
        ...event.headers,
        ...trace,
        [EventHeaders.type]: type.typeName,
        [EventHeaders.tenant]: type.tenantOf(event.value),
        [EventHeaders.eventId]: event.eventId,
      },
    }));
    return this.publishRaw(this.settings.topicName(baseTopic), messages);
  }

  /** Publishes already-encoded messages to a full topic name (dead letters keep their bytes). */
  publishRaw(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const timeoutMs = this.settings.publishTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PublishTimeoutError(topic, timeoutMs)), timeoutMs);
      this.queue.push({
        topic,
        messages,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const byTopic = new Map<string, Message[]>();
        for (const pending of batch) {
          const list = byTopic.get(pending.topic) ?? [];
          list.push(...pending.messages);
          byTopic.set(pending.topic, list);
        }
        const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
        try {
          await this.producer.sendBatch({ topicMessages, acks: -1 });
          for (const { topic, messages } of topicMessages) {
            this.settings.metrics.published.inc({ topic }, messages.length);
          }
          for (const pending of batch) pending.resolve();
        } catch (error: unknown) {
          this.settings.logger.warn({ err: error }, 'kafka send failed');
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
