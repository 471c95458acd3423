import { deadLetterTopic } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import { type Admin, Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { EventConsumer, type EventConsumerSettings } from './event-consumer';
import { EventProducer } from './event-producer';
import { whileTopicsSettle } from './fresh-topic';
import { KafkaMetrics } from './kafka-metrics';
import { kafkaLogLevel, pinoLogCreator } from './log-creator';
import { checkPendingRequestsOnlyWhileWaiting } from './request-queue-timers';
import { withinMs } from './within-ms';

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
    checkPendingRequestsOnlyWhileWaiting();
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
          // Prefixed like the topics: deployments (and test files) sharing a cluster never share a group.
          groupId: this.topicName(groupId),
          sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
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

  /**
   * Points a group that has never run (and has no members) at the current end of a topic and
   * returns where each partition starts, so the caller knows exactly which offsets the group will
   * see. kafkajs' own "latest" start is resolved at join time, too late to tell.
   */
  async startGroupAtEnd(groupId: string, topic: string): Promise<Array<{ partition: number; offset: number }>> {
    // Names as consume() gives them: both carry the deployment's prefix. Each attempt's fresh
    // admin reads fresh metadata.
    return whileTopicsSettle(() => this.setGroupToTopicEnd(this.topicName(groupId), this.topicName(topic)));
  }

  private async setGroupToTopicEnd(groupId: string, name: string) {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = (await admin.fetchTopicOffsets(name)).map(({ partition, high }) => ({ partition, offset: high }));
      await admin.setOffsets({ groupId, topic: name, partitions: ends });
      return ends.map(({ partition, offset }) => ({ partition, offset: Number(offset) }));
    } finally {
      await admin.disconnect();
    }
  }

  /** Deletes a group that has no members left (e.g. a per-process group at shutdown), so groups do not pile up. */
  async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 2 } });
    await admin.connect();
    try {
      await admin.deleteGroups([this.topicName(groupId)]);
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
