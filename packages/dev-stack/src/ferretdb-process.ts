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
}

/** FerretDB is one mongod-like node: direct connection, and it has no retryable writes. */
export function mongoUriFor(port: number): string {
  return `mongodb://${LOOPBACK}:${port}/?directConnection=true&retryWrites=false`;
}

export async function probeMongo(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => {});
  }
}

/** FerretDB v1 with its embedded SQLite backend, logging to <dir>/ferretdb.log. */
export function ferretdbService(f: FerretdbInstance): LocalService {
  const dataDir = path.join(f.dir, 'data');
  const logFile = path.join(f.dir, 'ferretdb.log');
  // WAL without an fsync per commit: a commit survives the process, not the machine, as Kafka's
  // acknowledged writes do by default (flushed by the OS, not per message). SQLite has one writer:
  // under a burst a write waits its turn up to 60 s (FerretDB's default is 10 s, then SQLITE_BUSY),
  // as writes queue on MongoDB. A dev and test store.
  const sqliteUrl = `file:${dataDir}${path.sep}?_pragma=synchronous(normal)&_pragma=busy_timeout(60000)`;
  const uri = mongoUriFor(f.port);
  return {
    kind: 'mongo',
    what: `FerretDB on ${LOOPBACK}:${f.port}`,
    address: uri,
    logFile,
    readyTimeoutMs: f.readyTimeoutMs ?? 30_000,
    spec: {
      name: 'ferretdb',
      command: f.binary,
      args: [
        '--handler=sqlite',
        `--sqlite-url=${sqliteUrl}`,
        `--listen-addr=${LOOPBACK}:${f.port}`,
        '--telemetry=disable',
        // "-" disables the debug HTTP listener (default :8088) and the state file, which
        // would otherwise collide between two instances.
        '--debug-addr=-',
        '--state-dir=-',
      ],
      logFile,
      cwd: f.dir,
      marker: `--sqlite-url=${sqliteUrl}`,
    },
    async prepare() {
      fs.mkdirSync(dataDir, { recursive: true });
    },
    probe: () => probeMongo(uri),
  };
}
