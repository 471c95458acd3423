import { type BackoffSettings, backoffDelay, sleep } from '@omni/backoff';
import { deadLetterTopic, EventHeaders, type EventType } from '@omni/contracts';
import { isTransientError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import { type Context, context, type Link, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Batch, Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { deadLetterMessages, errorText, type PoisonMessage, UndecodableError } from './dead-letter';
import type { EventProducer } from './event-producer';
import { whileTopicsSettle } from './fresh-topic';
import type { KafkaMetrics } from './kafka-metrics';
import { contextFromHeaders, headerString } from './trace-headers';
import { withinMs } from './within-ms';

export interface ConsumedEvent<T> {
  value: T;
  key: string;
  eventId: string;
  tenantId: string;
  topic: string;
  partition: number;
  offset: string;
  timestamp: Date;
  headers: IHeaders;
  /** The producer's trace context, for spans that should continue its trace. */
  traceContext: Context;
}

export interface BatchInfo {
  topic: string;
  partition: number;
  /**
   * Keeps the group membership alive during a long batch (kafkajs throttles it
   * to the heartbeat interval, so calling it after every message is cheap).
   */
  heartbeat: () => Promise<void>;
}

export type BatchHandler<T> = (events: ConsumedEvent<T>[], info: BatchInfo) => Promise<void>;

export interface EventConsumerSettings<T> {
  /** Topic name before the deployment's prefix. */
  topic: string;
  type: EventType<T>;
  handle: BatchHandler<T>;
  /** Attempts before a failing message is dead-lettered (transient failures never count). */
  maxAttempts?: number;
  backoff?: BackoffSettings;
  /** Start a new group from the earliest offset rather than the latest. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  isTransient?: (error: unknown) => boolean;
  /** How long the group waits on a silent member before handing its partitions on (default 30 s). */
  sessionTimeoutMs?: number;
}

interface Dependencies {
  consumer: Consumer;
  producer: EventProducer;
  logger: Logger;
  metrics: KafkaMetrics;
  topicName: (base: string) => string;
}

const tracer = trace.getTracer('@omni/kafka');

/**
 * Hands the handler whole batches (one partition each) and commits a batch's
 * offsets only after the handler succeeded and every dead letter was
 * acknowledged. A batch that keeps failing is retried message by message, so
 * only the poison message goes to `<topic>.dlq` and the partition moves on.
 */
/**
 * How often a running handler asks for a heartbeat. kafkajs sends one only when `heartbeatInterval`
 * (3 s) has passed since the last answer, so asking every 3 s skipped every other one (the answer
 * lands a few ms after the ask) and left 6 s gaps, a whole short session; asking every second keeps
 * the gap at most 4 s, and costs nothing in between.
 */
const HEARTBEAT_DURING_BATCH_MS = 1_000;
/** Longest a stop waits for kafkajs to leave the group. */
const STOP_BOUND_MS = 8_000;

export class EventConsumer<T> {
  private readonly topic: string;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffSettings;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: Dependencies,
    private readonly settings: EventConsumerSettings<T>,
  ) {
    this.topic = deps.topicName(settings.topic);
    this.maxAttempts = settings.maxAttempts ?? 5;
    this.backoff = settings.backoff ?? { initialMs: 100, maxMs: 5_000 };
    this.isTransient = settings.isTransient ?? isTransientError;
  }

  async start(): Promise<void> {
    const { consumer } = this.deps;
    await consumer.connect();
    await whileTopicsSettle(
      () => consumer.subscribe({ topic: this.topic, fromBeginning: this.settings.fromBeginning ?? false }),
      this.stopping.signal,
    );
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /**
   * Stops fetching; the batch in hand finishes (or is left uncommitted) before this resolves.
   * Bounded: while kafkajs rejoins after a broker restart, a disconnect can wait far longer
   * than a service's shutdown grace; what is left uncommitted is redelivered.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await withinMs(`consumer of ${this.topic}`, this.deps.consumer.disconnect(), STOP_BOUND_MS, this.deps.logger);
  }

  /** Back-pressure: stop fetching until resume() (the batch in hand still completes). */
  pause(): void {
    this.deps.consumer.pause([{ topic: this.topic }]);
  }

  resume(): void {
    this.deps.consumer.resume([{ topic: this.topic }]);
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    const started = process.hrtime.bigint();
    const decoded: ConsumedEvent<T>[] = [];
    const poison: PoisonMessage[] = [];
    for (const message of batch.messages) {
      try {
        decoded.push(this.decode(batch, message));
      } catch (error: unknown) {
        poison.push({ message, error, attempts: 1 });
      }
    }

    let outcome = 'ok';
    if (decoded.length > 0) {
      const failure = await this.attempt(decoded, batch, payload);
      if (failure === 'stopped') return;
      if (failure) {
        outcome = 'isolated';
        // Find the poison message(s): each message on its own, in order.
        for (const event of decoded) {
          const single = await this.attempt([event], batch, payload);
          if (single === 'stopped') return;
          if (single) {
            const message = batch.messages.find((m) => m.offset === event.offset) as KafkaMessage;
            poison.push({ message, error: single.error, attempts: this.maxAttempts });
          }
        }
      }
    }

    if (poison.length > 0) {
      outcome = 'dead_lettered';
      await this.deadLetter(batch, poison);
    }
    const last = batch.lastOffset();
    payload.resolveOffset(last);
    await this.deps.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
    ]);
    this.deps.metrics.consumed.inc({ topic: this.topic }, batch.messages.length);
    this.deps.metrics.batchSeconds.observe(
      { topic: this.topic, outcome },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  }

  private decode(batch: Batch, message: KafkaMessage): ConsumedEvent<T> {
    const headers = message.headers ?? {};
    const typeName = headerString(headers[EventHeaders.type]);
    if (typeName !== undefined && typeName !== this.settings.type.typeName) {
      throw new UndecodableError(`expected ${this.settings.type.typeName} but the message is ${typeName}`);
    }
    if (!message.value) throw new UndecodableError('message has no value');
    let value: T;
    try {
      value = this.settings.type.decode(message.value);
    } catch (error: unknown) {
      throw new UndecodableError(`cannot decode ${this.settings.type.typeName}: ${errorText(error)}`);
    }
    return {
      value,
      key: message.key?.toString() ?? '',
      eventId: headerString(headers[EventHeaders.eventId]) ?? `${batch.topic}/${batch.partition}/${message.offset}`,
      tenantId: headerString(headers[EventHeaders.tenant]) ?? this.settings.type.tenantOf(value),
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      timestamp: new Date(Number(message.timestamp)),
      headers,
      traceContext: contextFromHeaders(headers),
    };
  }

  /**
   * Runs the handler until it succeeds, the message's attempts are spent, or the
   * consumer stops. Transient failures (a dependency is down) are retried
   * without counting, with the group heartbeat kept alive.
   */
  private async attempt(
    events: ConsumedEvent<T>[],
    batch: Batch,
    payload: EachBatchPayload,
  ): Promise<undefined | { error: unknown } | 'stopped'> {
    let failures = 0;
    let transientFailures = 0;
    for (;;) {
      if (!payload.isRunning() || payload.isStale()) return 'stopped';
      try {
        await this.withHeartbeats(payload, () => this.runHandler(events, batch, payload));
        return undefined;
      } catch (error: unknown) {
        const transient = this.isTransient(error);
        if (transient) transientFailures++;
        else failures++;
        this.deps.metrics.handlerRetries.inc({ topic: this.topic });
        this.deps.logger.warn(
          { err: error, topic: batch.topic, partition: batch.partition, events: events.length, failures, transient },
          'event handler failed',
        );
        if (!transient && failures >= this.maxAttempts) return { error };
        await sleep(backoffDelay(transient ? transientFailures : failures, this.backoff), this.stopping.signal);
        await payload.heartbeat().catch(() => undefined);
      }
    }
  }

  /**
   * Keeps the group session alive while a handler works: a slow batch (a
   * loaded store) would otherwise outlast the session timeout, get the member
   * evicted mid-batch and its partitions handed to another, which then
   * replays the same batch.
   */
  private async withHeartbeats(payload: EachBatchPayload, work: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, HEARTBEAT_DURING_BATCH_MS);
    timer.unref();
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async runHandler(events: ConsumedEvent<T>[], batch: Batch, payload: EachBatchPayload): Promise<void> {
    const first = events[0] as ConsumedEvent<T>;
    const links: Link[] = events
      .map((event) => ({ context: trace.getSpanContext(event.traceContext) }))
      .filter((link): link is Link => link.context !== undefined);
    // A single message continues its producer's trace; a batch links to each.
    const parent = events.length === 1 ? first.traceContext : context.active();
    await tracer.startActiveSpan(
      `${batch.topic} process`,
      {
        kind: SpanKind.CONSUMER,
        links: events.length === 1 ? [] : links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': batch.topic,
          'messaging.destination.partition.id': String(batch.partition),
          'messaging.batch.message_count': events.length,
        },
      },
      parent,
      async (span) => {
        try {
          await this.settings.handle(events, {
            topic: batch.topic,
            partition: batch.partition,
            // A failed heartbeat (a rebalance) is for kafkajs to act on, never a reason to fail the batch.
            heartbeat: () => payload.heartbeat().catch(() => undefined),
          });
        } catch (error: unknown) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async deadLetter(batch: Batch, poison: PoisonMessage[]): Promise<void> {
    const dlq = deadLetterTopic(batch.topic);
    const messages = deadLetterMessages(batch, poison, new Date());
    // Retried until acknowledged: committing past a message that is in neither topic would lose it.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.producer.publishRaw(dlq, messages);
        break;
      } catch (error: unknown) {
        this.deps.logger.error({ err: error, dlq, attempt }, 'dead-letter publish failed; retrying');
        await sleep(backoffDelay(attempt, this.backoff), this.stopping.signal);
        if (this.stopping.signal.aborted) throw error;
      }
    }
    for (const { message, error } of poison) {
      const reason = error instanceof UndecodableError ? 'undecodable' : 'handler_failed';
      this.deps.metrics.deadLettered.inc({ topic: this.topic, reason });
      this.deps.logger.error(
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          dlq,
          reason,
          error: errorText(error),
        },
        'message dead-lettered',
      );
    }
  }
}
