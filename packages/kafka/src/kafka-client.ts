import { deadLetterTopic } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import { type Admin, Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { EventConsumer, type EventConsumerSettings } from './event-consumer';
import { EventProducer } from './event-producer';
import { KafkaMetrics } from './kafka-metrics';
import { kafkaLogLevel, pinoLogCreator } from './log-creator';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name: separates deployments, and test files from each other. */
  topicPrefix?: string;
  logger: Logger;
  logLevel?: string;
  registry?: Registry;
  publishTimeoutMs?: number;
}

export interface TopicSpec {
  /** Topic name before the prefix. */
  topic: string;
  numPartitions: number;
  /** Also create `<topic>.dlq` (default true). */
  withDeadLetter?: boolean;
}

/**
 * The one place a service gets Kafka from: an idempotent producer (acks=all),
 * consumers that commit only after their handler succeeded, topic creation and
 * a readiness probe.
 */
export class KafkaClient {
  private readonly kafka: Kafka;
  private readonly metrics: KafkaMetrics;
  private readonly consumers: EventConsumer<unknown>[] = [];
  private producerClient?: Producer;
  private eventProducer?: EventProducer;
  private probeAdmin?: Admin;

  constructor(private readonly settings: KafkaSettings) {
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: kafkaLogLevel(settings.logLevel ?? 'info'),
      logCreator: pinoLogCreator(settings.logger),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    });
    this.metrics = new KafkaMetrics(settings.registry);
  }

  topicName = (base: string): string => `${this.settings.topicPrefix ?? ''}${base}`;

  /** The shared producer, connected on first use. */
  async producer(): Promise<EventProducer> {
    if (!this.eventProducer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // Java-compatible murmur2 partitioning: a key lands where other Kafka clients put it.
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        retry: { initialRetryTime: 200, retries: 6, maxRetryTime: 5_000 },
      });
      this.producerClient = producer;
      this.eventProducer = new EventProducer(producer, {
        logger: this.settings.logger,
        metrics: this.metrics,
        publishTimeoutMs: this.settings.publishTimeoutMs ?? 10_000,
        topicName: this.topicName,
      });
      await producer.connect();
    }
    return this.eventProducer;
  }

  /** Starts a consumer in the group; handlers see whole batches. */
  async consume<T>(groupId: string, settings: EventConsumerSettings<T>): Promise<EventConsumer<T>> {
    const consumer = new EventConsumer<T>(
      {
        consumer: this.kafka.consumer({
          groupId,
          sessionTimeout: 30_000,
          // A fetch returns as soon as data is there; a short wait only bounds how long shutdown waits on an idle one.
          maxWaitTimeInMs: 1_000,
          heartbeatInterval: 3_000,
          allowAutoTopicCreation: false,
          retry: { initialRetryTime: 300, retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
        }),
        producer: await this.producer(),
        logger: this.settings.logger.child({ consumer: groupId, topic: settings.topic }),
        metrics: this.metrics,
        topicName: this.topicName,
      },
      settings,
    );
    await consumer.start();
    this.consumers.push(consumer as EventConsumer<unknown>);
    return consumer;
  }

  /** Creates missing topics (and their dead-letter topics); existing ones are left as they are. */
  async ensureTopics(specs: readonly TopicSpec[], replicationFactor = -1): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = specs.flatMap((spec) => {
        const name = this.topicName(spec.topic);
        const wanted = [{ topic: name, numPartitions: spec.numPartitions }];
        if (spec.withDeadLetter ?? true) wanted.push({ topic: deadLetterTopic(name), numPartitions: 1 });
        return wanted.filter((t) => !existing.has(t.topic)).map((t) => ({ ...t, replicationFactor }));
      });
      if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  /** Readiness: the cluster answers a metadata request. */
  async checkReady(): Promise<void> {
    if (!this.probeAdmin) {
      this.probeAdmin = this.kafka.admin({ retry: { retries: 0 } });
      await this.probeAdmin.connect();
    }
    await this.probeAdmin.describeCluster();
  }

  /** Stops consumers (finishing their batch in hand), then flushes and closes the producer. */
  async close(): Promise<void> {
    // Bounded: while kafkajs reconnects to a restarted broker, a disconnect can wait far
    // longer than the service's shutdown grace.
    const { logger } = this.settings;
    await withinMs('consumers', Promise.allSettled(this.consumers.map((consumer) => consumer.stop())), 8_000, logger);
    await withinMs('producer', this.producerClient?.disconnect(), 4_000, logger);
    await withinMs('readiness probe', this.probeAdmin?.disconnect(), 2_000, logger);
  }
}

/** Waits for a shutdown step at most `ms`, logging when it failed or was left running. */
function withinMs(name: string, work: Promise<unknown> | undefined, ms: number, logger: Logger): Promise<void> {
  if (!work) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ step: name, ms }, 'kafka disconnect still running at its bound; moving on');
      resolve();
    }, ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.warn({ err: error, step: name }, 'kafka disconnect failed');
        resolve();
      },
    );
  });
}
