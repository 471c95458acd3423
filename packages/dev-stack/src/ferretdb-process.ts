import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { LOOPBACK } from './ports';
import type { LocalService } from './service';

export interface FerretdbInstance {
  binary: string;
  /** SQLite files and the log of this instance live here. */
  dir: string;
  port: number;
  readyTimeoutMs?: number;
  /** FerretDB's PostgreSQL backend on this server; without it, its embedded SQLite backend. */
  postgresUrl?: string;
}

/** FerretDB is one mongod-like node: direct connection, and it has no retryable writes. */
export function mongoUriFor(port: number): string {
  return `mongodb://${LOOPBACK}:${port}/?directConnection=true&retryWrites=false`;
}

export async function probeMongo(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
  try {
    // A ping may not reach FerretDB's backend; listing databases does, so ready means queries work.
    await client.db('admin').command({ listDatabases: 1, nameOnly: true });
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * FerretDB v1, logging to <dir>/ferretdb.log: on PostgreSQL when given one, else on its embedded
 * SQLite backend (files in <dir>/data).
 *
 * The backend decides what a query costs: FerretDB v1 hands SQLite only a filter that is `_id`
 * alone and decodes and filters every other document itself, one writer at a time; it hands
 * PostgreSQL every top-level equality of a filter (`{_id, tenantId}`, `{tenantId, state}`), and
 * PostgreSQL writes rows concurrently. See docs/architecture.md, "Performance on FerretDB".
 */
export function ferretdbService(f: FerretdbInstance): LocalService {
  const dataDir = path.join(f.dir, 'data');
  const logFile = path.join(f.dir, 'ferretdb.log');
  // WAL without an fsync per commit: a commit survives the process, not the machine, as Kafka's
  // acknowledged writes do by default (flushed by the OS, not per message). SQLite has one writer:
  // under a burst a write waits its turn up to 60 s (FerretDB's default is 10 s, then SQLITE_BUSY),
  // as writes queue on MongoDB. A dev and test store.
  const sqliteUrl = `file:${dataDir}${path.sep}?_pragma=synchronous(normal)&_pragma=busy_timeout(60000)`;
  const backendArgs = f.postgresUrl
    ? ['--handler=postgresql', `--postgresql-url=${f.postgresUrl}`]
    : ['--handler=sqlite', `--sqlite-url=${sqliteUrl}`];
  const uri = mongoUriFor(f.port);
  return {
    kind: 'mongo',
    what: `FerretDB on ${LOOPBACK}:${f.port} (${f.postgresUrl ? 'PostgreSQL' : 'SQLite'})`,
    address: uri,
    logFile,
    readyTimeoutMs: f.readyTimeoutMs ?? 30_000,
    spec: {
      name: 'ferretdb',
      command: f.binary,
      args: [
        ...backendArgs,
        `--listen-addr=${LOOPBACK}:${f.port}`,
        '--telemetry=disable',
        // "-" disables the debug HTTP listener (default :8088) and the state file, which
        // would otherwise collide between two instances.
        '--debug-addr=-',
        '--state-dir=-',
      ],
      logFile,
      cwd: f.dir,
      marker: `--listen-addr=${LOOPBACK}:${f.port}`,
    },
    async prepare() {
      fs.mkdirSync(dataDir, { recursive: true });
    },
    probe: () => probeMongo(uri),
  };
}
