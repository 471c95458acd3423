import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  dockerEngineAnswers,
  startKafkaContainer,
  startMongoContainer,
  testcontainersInstalled,
} from './docker-backend';
import { ferretdbService } from './ferretdb-process';
import { kafkaService } from './kafka-process';
import { defaultCacheDir } from './paths';
import { assertPortsFree, findFreePorts } from './ports';
import { postgresService } from './postgres-process';
import { elapsed, type LogFn, stderrLog } from './progress';
import { provisionFerretdb } from './provision-ferretdb';
import { provisionKafka } from './provision-kafka';
import { chooseFerretdbBackend } from './provision-postgres';
import { chainedHandle, externalHandle, type ServiceHandle, supervisedHandle } from './service-handle';

export interface StackOptions {
  /** Names the temp state dir; default "test". */
  name?: string;
  /** Default: a fresh temp dir, removed again by stop(). */
  stateDir?: string;
  cacheDir?: string;
  /** Fixed ports fail if busy; omitted ones are picked free. */
  kafkaPort?: number;
  kafkaControllerPort?: number;
  mongoPort?: number;
  log?: (line: string) => void;
  /** Bound on each service's readiness wait (default Kafka 90 s, FerretDB 30 s). */
  readyTimeoutMs?: number;
  /** Keep an auto-created state dir after stop() (also OMNI_STACK_KEEP_STATE=1). */
  keepStateDir?: boolean;
  /** Start own services even if KAFKA_BROKERS / MONGODB_URI are set (tests that stop the broker). */
  ignoreEnv?: boolean;
}

export interface RunningStack {
  kafkaBrokers: string;
  mongoUri: string;
  stateDir: string;
  logFiles: { kafka?: string; mongo?: string };
  stopKafka(): Promise<void>;
  startKafka(): Promise<void>;
  stopMongo(): Promise<void>;
  startMongo(): Promise<void>;
  stop(): Promise<void>;
}

type Backend = 'local' | 'docker';

async function chooseBackend(log: LogFn): Promise<Backend> {
  const wanted = (process.env.OMNI_STACK_BACKEND || 'auto').toLowerCase();
  if (wanted === 'local') return 'local';
  if (wanted !== 'auto' && wanted !== 'docker')
    throw new Error(`OMNI_STACK_BACKEND=${wanted}: expected auto, local or docker`);
  const docker = await dockerEngineAnswers();
  if (docker && testcontainersInstalled()) return 'docker';
  if (wanted === 'docker') {
    throw new Error(
      docker
        ? 'OMNI_STACK_BACKEND=docker but @testcontainers/kafka and @testcontainers/mongodb are not installed'
        : 'OMNI_STACK_BACKEND=docker but no Docker engine answers',
    );
  }
  if (docker) log('a Docker engine answers but @testcontainers/* are not installed; using local processes');
  return 'local';
}

/** Starts all handles together; if any fails, stops the ones that came up and rethrows. */
async function startAll(starters: (() => Promise<ServiceHandle>)[]): Promise<ServiceHandle[]> {
  const results = await Promise.allSettled(starters.map((s) => s()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return results.map((r) => (r as PromiseFulfilledResult<ServiceHandle>).value);
  await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop().catch(() => {}) : undefined)));
  throw failed.reason;
}

/**
 * Starts Kafka and a MongoDB-wire server for one test run (or reuses KAFKA_BROKERS /
 * MONGODB_URI when set). Processes are tied to this Node process and die with it.
 */
export async function startStack(opts: StackOptions = {}): Promise<RunningStack> {
  const log = opts.log ?? stderrLog;
  const started = Date.now();
  const extKafka = opts.ignoreEnv ? undefined : process.env.KAFKA_BROKERS?.trim();
  const extMongo = opts.ignoreEnv ? undefined : process.env.MONGODB_URI?.trim();
  const needKafka = !extKafka;
  const needMongo = !extMongo;

  let stateDir = opts.stateDir ?? '';
  let ownsStateDir = false;
  const starters: (() => Promise<ServiceHandle>)[] = [];

  if (needKafka || needMongo) {
    const backend = await chooseBackend(log);
    if (backend === 'docker') {
      if (needKafka) starters.push(() => startKafkaContainer(log));
      if (needMongo) starters.push(() => startMongoContainer(log));
    } else {
      const cacheDir = opts.cacheDir ?? defaultCacheDir();
      // Provision first (cold: minutes; warm: a stat), so port picking happens right before use.
      const [kafkaLibs, ferretdb, postgres] = await Promise.all([
        needKafka ? provisionKafka(cacheDir, log) : undefined,
        needMongo ? provisionFerretdb(cacheDir, log) : undefined,
        needMongo ? chooseFerretdbBackend(cacheDir, log) : undefined,
      ]);
      const ports = await resolvePorts(opts, needKafka, needMongo);
      if (!stateDir) {
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `omni-dev-stack-${opts.name ?? 'test'}-`));
        // Searchable (not listable) by others, so a PostgreSQL run as its own account keeps its data here.
        fs.chmodSync(stateDir, 0o711);
        ownsStateDir = true;
      }
      if (kafkaLibs) {
        const svc = kafkaService({
          libsDir: kafkaLibs,
          dir: path.join(stateDir, 'kafka'),
          port: ports.kafka,
          controllerPort: ports.controller,
          readyTimeoutMs: opts.readyTimeoutMs,
        });
        fs.mkdirSync(path.join(stateDir, 'kafka'), { recursive: true });
        starters.push(async () => {
          const h = supervisedHandle(svc);
          await h.start();
          return h;
        });
      }
      if (ferretdb) {
        const pg = postgres
          ? postgresService({
              install: postgres,
              dir: path.join(stateDir, 'postgres'),
              port: ports.postgres,
              readyTimeoutMs: opts.readyTimeoutMs,
            })
          : undefined;
        const svc = ferretdbService({
          binary: ferretdb,
          dir: path.join(stateDir, 'ferretdb'),
          port: ports.mongo,
          readyTimeoutMs: opts.readyTimeoutMs,
          postgresUrl: pg?.address,
        });
        fs.mkdirSync(path.join(stateDir, 'ferretdb'), { recursive: true });
        starters.push(async () => {
          const h = pg ? chainedHandle([supervisedHandle(pg), supervisedHandle(svc)]) : supervisedHandle(svc);
          await h.start();
          return h;
        });
      }
    }
  }

  const handles = await startAll(starters);
  // startAll preserves order: Kafka's starter (if any) was pushed first.
  const kafka = extKafka ? externalHandle('Kafka', 'KAFKA_BROKERS', extKafka) : (handles.shift() as ServiceHandle);
  const mongo = extMongo ? externalHandle('MongoDB', 'MONGODB_URI', extMongo) : (handles.shift() as ServiceHandle);

  if (needKafka || needMongo) {
    log(`stack ready in ${elapsed(started)}: KAFKA_BROKERS=${kafka.address} MONGODB_URI=${mongo.address}`);
    if (kafka.logFile) log(`  kafka log: ${kafka.logFile}`);
    if (mongo.logFile) log(`  ferretdb log: ${mongo.logFile}`);
  }

  const keep = opts.keepStateDir || process.env.OMNI_STACK_KEEP_STATE === '1';
  let stopped = false;
  return {
    kafkaBrokers: kafka.address,
    mongoUri: mongo.address,
    stateDir,
    logFiles: { kafka: kafka.logFile, mongo: mongo.logFile },
    stopKafka: () => kafka.stop(),
    startKafka: () => kafka.start(),
    stopMongo: () => mongo.stop(),
    startMongo: () => mongo.start(),
    async stop() {
      if (stopped) return;
      stopped = true;
      const owned = [kafka, mongo].filter((h) => h.source !== 'external');
      await Promise.all(owned.map((h) => h.stop()));
      if (ownsStateDir && !keep) fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function resolvePorts(opts: StackOptions, needKafka: boolean, needMongo: boolean) {
  const wanted: { port: number; what: string }[] = [];
  if (needKafka && opts.kafkaPort) wanted.push({ port: opts.kafkaPort, what: 'Kafka' });
  if (needKafka && opts.kafkaControllerPort) wanted.push({ port: opts.kafkaControllerPort, what: 'Kafka controller' });
  if (needMongo && opts.mongoPort) wanted.push({ port: opts.mongoPort, what: 'FerretDB' });
  await assertPortsFree(wanted);
  // Extra candidates in case the kernel hands out one of the explicitly requested ports.
  const free = (await findFreePorts(4 + wanted.length)).filter((p) => !wanted.some((w) => w.port === p));
  return {
    kafka: opts.kafkaPort ?? (free.shift() as number),
    controller: opts.kafkaControllerPort ?? (free.shift() as number),
    mongo: opts.mongoPort ?? (free.shift() as number),
    postgres: free.shift() as number,
  };
}
