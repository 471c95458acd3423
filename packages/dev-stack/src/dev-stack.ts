import * as fs from 'node:fs';
import * as path from 'node:path';
import { ferretdbService, probeMongo } from './ferretdb-process';
import { kafkaService, probeKafka } from './kafka-process';
import { withLock } from './lock';
import { defaultCacheDir, defaultStateRoot } from './paths';
import { assertPortsFree, parsePort } from './ports';
import { externalPostgresHome, postgresService } from './postgres-process';
import { pidMatches, spawnDetached, stopPid } from './process-supervisor';
import { elapsed, type LogFn, stderrLog } from './progress';
import { provisionFerretdb } from './provision-ferretdb';
import { provisionKafka } from './provision-kafka';
import { chooseFerretdbBackend } from './provision-postgres';
import { waitUntilReady } from './readiness';
import type { LocalService } from './service';

/** Defaults sit away from 9092/27017 so a dev stack never fights a system Kafka or mongod. */
export const DEV_DEFAULT_PORTS = { kafka: 19092, kafkaController: 19093, mongo: 27117, postgres: 25432 } as const;

export interface DevStackOptions {
  /** Default "dev"; state lives in ~/.local/state/omni-dev-stack/<name>. */
  name?: string;
  stateDir?: string;
  cacheDir?: string;
  /** Stop and wipe the stack's data before starting. */
  fresh?: boolean;
  /** Defaults: OMNI_STACK_KAFKA_PORT / OMNI_STACK_KAFKA_CONTROLLER_PORT / OMNI_STACK_MONGO_PORT, then 19092/19093/27117. */
  kafkaPort?: number;
  kafkaControllerPort?: number;
  mongoPort?: number;
  /** FerretDB's PostgreSQL server; default OMNI_STACK_POSTGRES_PORT, then 25432. */
  postgresPort?: number;
  log?: LogFn;
  readyTimeoutMs?: number;
}

export interface DevStackInfo {
  name: string;
  kafkaBrokers: string;
  mongoUri: string;
  stateDir: string;
  logFiles: { kafka?: string; mongo?: string };
  /** True when nothing had to be started. */
  alreadyRunning: boolean;
}

export interface ServiceStatus {
  address: string;
  pid?: number;
  running: boolean;
  external: boolean;
  logFile?: string;
}

export interface DevStackStatus {
  name: string;
  stateDir: string;
  running: boolean;
  kafka?: ServiceStatus;
  mongo?: ServiceStatus;
  /** FerretDB's PostgreSQL, when the stack started FerretDB on that backend. */
  postgres?: ServiceStatus;
}

interface ServiceRecord {
  pid: number;
  marker: string;
  address: string;
  logFile: string;
  ports: number[];
}

/** pids + ports of the detached processes, so later CLI invocations can find and stop them. */
interface StackRecord {
  name: string;
  kafka?: ServiceRecord;
  mongo?: ServiceRecord;
  /** The PostgreSQL server under FerretDB, when it runs on that backend. */
  postgres?: ServiceRecord;
  updatedAt?: string;
}

const RECORD_FILE = 'stack.json';

function resolveDir(opts: DevStackOptions): { name: string; stateDir: string } {
  const name = opts.name ?? 'dev';
  return { name, stateDir: opts.stateDir ?? path.join(defaultStateRoot(), name) };
}

function readRecord(stateDir: string, name: string): StackRecord {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, RECORD_FILE), 'utf8')) as StackRecord;
  } catch {
    return { name };
  }
}

function writeRecord(stateDir: string, rec: StackRecord): void {
  const file = path.join(stateDir, RECORD_FILE);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...rec, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

const alive = (r: ServiceRecord | undefined): r is ServiceRecord => r !== undefined && pidMatches(r.pid, r.marker);

/** Reports the recorded stack without touching it. */
export function devStackStatus(opts: DevStackOptions = {}): DevStackStatus {
  const { name, stateDir } = resolveDir(opts);
  const rec = readRecord(stateDir, name);
  const status = (r: ServiceRecord | undefined, envAddress: string | undefined): ServiceStatus | undefined => {
    if (envAddress) return { address: envAddress, running: true, external: true };
    if (!r) return undefined;
    return { address: r.address, pid: r.pid, running: alive(r), external: false, logFile: r.logFile };
  };
  const kafka = status(rec.kafka, process.env.KAFKA_BROKERS?.trim());
  const mongo = status(rec.mongo, process.env.MONGODB_URI?.trim());
  const postgres = mongo?.external ? undefined : status(rec.postgres, undefined);
  const running = Boolean(kafka?.running && mongo?.running && (postgres?.running ?? true));
  return { name, stateDir, running, kafka, mongo, postgres };
}

async function stopRecorded(stateDir: string, name: string, log: LogFn): Promise<boolean> {
  const rec = readRecord(stateDir, name);
  const stop = async (r: ServiceRecord) => {
    log(`stopping pid ${r.pid} (${r.address})...`);
    await stopPid(r.pid, r.marker);
  };
  const running = [rec.kafka, rec.mongo].filter(alive);
  await Promise.all(running.map(stop));
  // PostgreSQL last: its clients are gone, so its shutdown does not wait on them.
  const pg = alive(rec.postgres) ? rec.postgres : undefined;
  if (pg) await stop(pg);
  fs.rmSync(path.join(stateDir, RECORD_FILE), { force: true });
  return running.length > 0 || pg !== undefined;
}

/** Stops the named stack's processes (SIGTERM, then SIGKILL after a bound). Returns whether any ran. */
export async function stopDevStack(opts: DevStackOptions = {}): Promise<boolean> {
  const { name, stateDir } = resolveDir(opts);
  const log = opts.log ?? stderrLog;
  fs.mkdirSync(path.dirname(stateDir), { recursive: true });
  return withLock(`${stateDir}.lock`, log, () => stopRecorded(stateDir, name, log));
}

/**
 * Makes sure the named persistent stack is up: reuses processes that are still alive, starts
 * the missing ones detached (they outlive this process), and waits until both answer.
 * KAFKA_BROKERS / MONGODB_URI, when set, are used as-is instead.
 */
export async function ensureDevStack(opts: DevStackOptions = {}): Promise<DevStackInfo> {
  const { name, stateDir } = resolveDir(opts);
  const log = opts.log ?? stderrLog;
  fs.mkdirSync(path.dirname(stateDir), { recursive: true });
  return withLock(`${stateDir}.lock`, log, async () => {
    const started = Date.now();
    if (opts.fresh) {
      await stopRecorded(stateDir, name, log);
      fs.rmSync(stateDir, { recursive: true, force: true });
      // A PostgreSQL run as its own account may keep its data outside stateDir (see postgresDataDir).
      fs.rmSync(externalPostgresHome(path.join(stateDir, 'postgres')), { recursive: true, force: true });
      log(`wiped ${stateDir}`);
    }
    fs.mkdirSync(stateDir, { recursive: true });
    const rec = readRecord(stateDir, name);
    const extKafka = process.env.KAFKA_BROKERS?.trim();
    const extMongo = process.env.MONGODB_URI?.trim();
    const pgGone = rec.postgres !== undefined && !pidMatches(rec.postgres.pid, rec.postgres.marker);
    if (!extMongo && pgGone && alive(rec.mongo)) {
      // A FerretDB whose PostgreSQL is gone answers nothing: start the pair again.
      log('PostgreSQL is gone: restarting FerretDB with it');
      await stopPid(rec.mongo.pid, rec.mongo.marker);
    }
    const runKafka = !extKafka && !alive(rec.kafka);
    const runMongo = !extMongo && !alive(rec.mongo);
    const cacheDir = opts.cacheDir ?? defaultCacheDir();

    const toStart: { key: 'kafka' | 'mongo' | 'postgres'; svc: LocalService; ports: number[] }[] = [];
    const [kafkaLibs, ferretdb, postgres] = await Promise.all([
      runKafka ? provisionKafka(cacheDir, log) : undefined,
      runMongo ? provisionFerretdb(cacheDir, log) : undefined,
      runMongo ? chooseFerretdbBackend(cacheDir, log) : undefined,
    ]);
    const portChecks: { port: number; what: string; envVar: string }[] = [];
    if (kafkaLibs) {
      const port =
        opts.kafkaPort ??
        parsePort(process.env.OMNI_STACK_KAFKA_PORT, 'OMNI_STACK_KAFKA_PORT') ??
        DEV_DEFAULT_PORTS.kafka;
      const controllerPort =
        opts.kafkaControllerPort ??
        parsePort(process.env.OMNI_STACK_KAFKA_CONTROLLER_PORT, 'OMNI_STACK_KAFKA_CONTROLLER_PORT') ??
        DEV_DEFAULT_PORTS.kafkaController;
      portChecks.push({ port, what: 'Kafka', envVar: 'OMNI_STACK_KAFKA_PORT' });
      portChecks.push({ port: controllerPort, what: 'Kafka controller', envVar: 'OMNI_STACK_KAFKA_CONTROLLER_PORT' });
      const svc = kafkaService({
        libsDir: kafkaLibs,
        dir: path.join(stateDir, 'kafka'),
        port,
        controllerPort,
        readyTimeoutMs: opts.readyTimeoutMs,
      });
      toStart.push({ key: 'kafka', svc, ports: [port, controllerPort] });
    }
    if (ferretdb) {
      const port =
        opts.mongoPort ??
        parsePort(process.env.OMNI_STACK_MONGO_PORT, 'OMNI_STACK_MONGO_PORT') ??
        DEV_DEFAULT_PORTS.mongo;
      portChecks.push({ port, what: 'FerretDB', envVar: 'OMNI_STACK_MONGO_PORT' });
      let postgresUrl: string | undefined;
      // On SQLite now: a PostgreSQL of an earlier start is no part of this stack any more.
      if (!postgres) delete rec.postgres;
      if (postgres) {
        const pgPort =
          opts.postgresPort ??
          parsePort(process.env.OMNI_STACK_POSTGRES_PORT, 'OMNI_STACK_POSTGRES_PORT') ??
          DEV_DEFAULT_PORTS.postgres;
        const pg = postgresService({
          install: postgres,
          dir: path.join(stateDir, 'postgres'),
          port: pgPort,
          readyTimeoutMs: opts.readyTimeoutMs,
        });
        postgresUrl = pg.address;
        if (alive(rec.postgres) && rec.postgres.address === pg.address) {
          // still up from an earlier start whose FerretDB died: reuse it
        } else {
          portChecks.push({ port: pgPort, what: 'PostgreSQL', envVar: 'OMNI_STACK_POSTGRES_PORT' });
          toStart.push({ key: 'postgres', svc: pg, ports: [pgPort] });
        }
      }
      toStart.push({
        key: 'mongo',
        svc: ferretdbService({
          binary: ferretdb,
          dir: path.join(stateDir, 'ferretdb'),
          port,
          readyTimeoutMs: opts.readyTimeoutMs,
          postgresUrl,
        }),
        ports: [port],
      });
    }
    await assertPortsFree(portChecks);

    for (const { key, svc, ports } of toStart) {
      fs.mkdirSync(path.dirname(svc.logFile), { recursive: true });
      await svc.prepare();
      const pid = spawnDetached(svc.spec);
      const r: ServiceRecord = { pid, marker: svc.spec.marker, address: svc.address, logFile: svc.logFile, ports };
      rec[key] = r;
      writeRecord(stateDir, rec);
      log(`started ${svc.what} (pid ${pid}), log: ${svc.logFile}`);
      if (key === 'postgres') {
        // FerretDB answers only once its backend does: start it on a server that is up.
        try {
          await waitUntilReady(svc.probe, {
            what: svc.what,
            logFile: svc.logFile,
            timeoutMs: opts.readyTimeoutMs ?? svc.readyTimeoutMs,
            deadReason: () => (pidMatches(r.pid, r.marker) ? undefined : `pid ${r.pid} is gone`),
          });
        } catch (err) {
          await stopRecorded(stateDir, name, log);
          throw err;
        }
      }
    }
    writeRecord(stateDir, rec);

    const waits: Promise<void>[] = [];
    const wait = (r: ServiceRecord, what: string, probe: () => Promise<void>, timeoutMs: number) =>
      waitUntilReady(probe, {
        what,
        logFile: r.logFile,
        timeoutMs: opts.readyTimeoutMs ?? timeoutMs,
        deadReason: () => (pidMatches(r.pid, r.marker) ? undefined : `pid ${r.pid} is gone`),
      });
    if (!extKafka && rec.kafka)
      waits.push(wait(rec.kafka, `Kafka on ${rec.kafka.address}`, () => probeKafka(rec.kafka?.address ?? ''), 90_000));
    if (!extMongo && rec.mongo)
      waits.push(
        wait(rec.mongo, `FerretDB on ${rec.mongo.address}`, () => probeMongo(rec.mongo?.address ?? ''), 30_000),
      );
    const results = await Promise.allSettled(waits);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // Leave nothing half-up behind: a later `up` starts from a clean slate.
      await stopRecorded(stateDir, name, log);
      throw failed.reason;
    }
    if (toStart.length > 0) log(`dev stack "${name}" ready in ${elapsed(started)}`);
    return {
      name,
      kafkaBrokers: extKafka ?? rec.kafka?.address ?? '',
      mongoUri: extMongo ?? rec.mongo?.address ?? '',
      stateDir,
      logFiles: { kafka: extKafka ? undefined : rec.kafka?.logFile, mongo: extMongo ? undefined : rec.mongo?.logFile },
      alreadyRunning: toStart.length === 0,
    };
  });
}
