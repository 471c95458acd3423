import { Counter, Histogram, type Registry } from 'prom-client';

/** Counters every producer and consumer of a service reports on /metrics. */
export class KafkaMetrics {
  readonly published: Counter<'topic'>;
  readonly consumed: Counter<'topic'>;
  readonly deadLettered: Counter<'topic' | 'reason'>;
  readonly handlerRetries: Counter<'topic'>;
  readonly batchSeconds: Histogram<'topic' | 'outcome'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.published = new Counter({
      name: 'omni_kafka_published_total',
      help: 'Messages acknowledged by Kafka',
      labelNames: ['topic'],
      registers,
    });
    this.consumed = new Counter({
      name: 'omni_kafka_consumed_total',
      help: 'Messages handled and committed',
      labelNames: ['topic'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'omni_kafka_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic',
      labelNames: ['topic', 'reason'],
      registers,
    });
    this.handlerRetries = new Counter({
      name: 'omni_kafka_handler_retries_total',
      help: 'Handler attempts that failed and were retried',
      labelNames: ['topic'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'omni_kafka_batch_duration_seconds',
      help: 'Time to handle one consumed batch, retries included',
      labelNames: ['topic', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
