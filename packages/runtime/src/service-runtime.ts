import { type baseEnv, loadConfig } from '@omni/config';
import { createHttpApp, createMetricsRegistry, finalizeHttpApp, type HttpApp, startHttpServer } from '@omni/http';
import { KafkaClient, type TopicSpec } from '@omni/kafka';
import { createLogger, type Logger } from '@omni/logging';
import { type IndexPlan, Store } from '@omni/store';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { Shutdown } from './shutdown';
import { untilReady } from './until-ready';

export interface RuntimeOptions<S extends typeof baseEnv> {
  /** The service's name: its consumer group, Kafka client id and log name. */
  service: string;
  /** baseEnv, or baseEnv extended with the service's own variables. */
  env: S;
  /** Topics the service needs; created if missing (a Job creates them in production). */
  topics?: readonly TopicSpec[];
  indexes?: IndexPlan;
}

/**
 * What every service shares: validated config, logger, metrics, MongoDB, Kafka,
 * the operational HTTP endpoints, and an ordered graceful shutdown on SIGTERM.
 * A service's main.ts creates one, wires its own adapters onto it and calls
 * `serve()`.
 */
export class ServiceRuntime<S extends typeof baseEnv> {
  readonly config: z.infer<S>;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly store: Store;
  readonly kafka: KafkaClient;
  readonly http: HttpApp;
  readonly shutdown: Shutdown;
  /** The bound HTTP port, known after start() (HTTP_PORT=0 picks a free one). */
  httpPort = 0;
  private signalsHandled = false;
  private started = false;

  private constructor(
    private readonly options: RuntimeOptions<S>,
    config: z.infer<S>,
  ) {
    this.config = config;
    this.logger = createLogger({ service: options.service, level: config.LOG_LEVEL });
    this.registry = createMetricsRegistry(options.service);
    this.store = Store.create({
      uri: config.MONGODB_URI,
      dbName: config.MONGODB_DB,
      appName: options.service,
      logger: this.logger,
    });
    this.kafka = new KafkaClient({
      brokers: config.KAFKA_BROKERS,
      clientId: config.KAFKA_CLIENT_ID ?? options.service,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      logger: this.logger,
      logLevel: config.LOG_LEVEL,
      registry: this.registry,
    });
    this.http = createHttpApp({
      service: options.service,
      logger: this.logger,
      registry: this.registry,
      readiness: [
        // Not ready until main.ts has wired everything (consumers, gRPC) and called serving().
        {
          name: 'startup',
          check: async () => {
            if (!this.started) throw new Error('starting');
          },
        },
        { name: 'kafka', check: () => this.kafka.checkReady() },
        { name: 'store', check: () => this.store.checkReady() },
      ],
    });
    this.shutdown = new Shutdown(this.logger, config.SHUTDOWN_GRACE_MS);
  }

  /** Parses the environment; a bad one stops the process with every problem named. */
  static create<S extends typeof baseEnv>(options: RuntimeOptions<S>, env = process.env): ServiceRuntime<S> {
    return new ServiceRuntime(options, loadConfig(options.env, env));
  }

  get service(): string {
    return this.options.service;
  }

  /**
   * Serves /healthz, /readyz and /metrics at once (not ready until the
   * dependencies answer), then waits for MongoDB and Kafka, creating indexes and
   * topics. Returns when the dependencies are usable.
   */
  async start(): Promise<void> {
    const server = await startHttpServer(this.http.app, {
      port: this.config.HTTP_PORT,
      host: this.config.HTTP_HOST,
      logger: this.logger,
    });
    this.shutdown.add('http', () => server.close());
    this.shutdown.add('store', () => this.store.close());
    this.shutdown.add('kafka', () => this.kafka.close());
    this.httpPort = server.port;
    this.logger.info({ port: server.port }, 'http listening');

    await untilReady(this.logger, 'store', async () => {
      await this.store.checkReady();
      await this.store.ensureIndexes(this.options.indexes ?? {});
    });
    await untilReady(this.logger, 'kafka', async () => {
      await this.kafka.ensureTopics(this.options.topics ?? []);
      await this.kafka.producer();
    });
  }

  /** Mounts the 404 and error handlers after the service's routes and logs that the service is up. */
  serving(): void {
    finalizeHttpApp(this.http.app);
    this.started = true;
    // Registered last so it runs first: load balancers stop sending work before anything closes.
    this.shutdown.add('readiness', () => this.http.setShuttingDown());
    this.logger.info('service started');
  }

  /** For main.ts only: SIGTERM/SIGINT run the shutdown and exit. Tests call shutdown.run() instead. */
  handleSignals(): void {
    if (this.signalsHandled) return;
    this.signalsHandled = true;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.shutdown.run(signal).then(() => process.exit(0));
      });
    }
  }
}
