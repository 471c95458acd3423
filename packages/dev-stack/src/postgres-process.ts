import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOOPBACK } from './ports';
import type { PostgresInstallation } from './provision-postgres';
import { runCommand } from './run-command';
import type { LocalService } from './service';

export interface PostgresInstance {
  install: PostgresInstallation;
  /** The log of this server lives here, and its data too when the server's account can reach it. */
  dir: string;
  port: number;
  readyTimeoutMs?: number;
}

/** The role FerretDB connects as; the cluster trusts loopback connections only. */
const ROLE = 'ferretdb';

/** FerretDB keeps each MongoDB database as a schema of this PostgreSQL database. */
export function postgresUrlFor(port: number): string {
  return `postgres://${ROLE}@${LOOPBACK}:${port}/postgres`;
}

/** Whether `account` may walk down to dir (every ancestor searchable by it). */
function reachable(dir: string, uid: number, gid: number): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch {
      // not created yet: its parent decides
      if (d === path.dirname(d)) return true;
      continue;
    }
    const mode = st.mode;
    const ok = st.uid === uid ? mode & 0o100 : st.gid === gid ? mode & 0o010 : mode & 0o001;
    if (!ok) return false;
    if (d === path.dirname(d)) return true;
  }
}

/**
 * The cluster's directory. Under root the server runs as its own account, which cannot enter a
 * home such as /root: then the data lives in /var/lib/omni-dev-stack, named after dir.
 */
export function postgresDataDir(p: Pick<PostgresInstance, 'dir' | 'install'>): string {
  const user = p.install.user;
  if (!user || reachable(p.dir, user.uid, user.gid)) return path.join(p.dir, 'data');
  return path.join(externalPostgresHome(p.dir), 'data');
}

/** Where the cluster of a server logging to dir lives when its account cannot reach dir. */
export function externalPostgresHome(dir: string): string {
  const id = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
  return path.join('/var/lib/omni-dev-stack', `postgres-${id}`);
}

/**
 * A PostgreSQL server for FerretDB's PostgreSQL backend, logging to <dir>/postgres.log.
 * Commits are acknowledged before they reach the disk (synchronous_commit=off: a crash of the
 * machine may lose the last fraction of a second, never consistency), as Kafka acknowledges
 * writes by default. A dev and test store: TCP on loopback only, no Unix socket.
 */
export function postgresService(p: PostgresInstance): LocalService {
  const dataDir = postgresDataDir(p);
  const logFile = path.join(p.dir, 'postgres.log');
  const user = p.install.user ? { uid: p.install.user.uid, gid: p.install.user.gid } : undefined;
  const bin = (name: string) => path.join(p.install.binDir, name);
  return {
    kind: 'postgres',
    what: `PostgreSQL on ${LOOPBACK}:${p.port}`,
    address: postgresUrlFor(p.port),
    logFile,
    readyTimeoutMs: p.readyTimeoutMs ?? 30_000,
    spec: {
      name: 'postgres',
      command: bin('postgres'),
      args: [
        '-D',
        dataDir,
        '-p',
        String(p.port),
        '-c',
        `listen_addresses=${LOOPBACK}`,
        '-c',
        'unix_socket_directories=',
        '-c',
        'synchronous_commit=off',
        // FerretDB pools up to 50 connections per instance; tests restart it while old ones drain.
        '-c',
        'max_connections=300',
        '-c',
        'shared_buffers=128MB',
        // A refused unique insert is how slots and idempotent writes work: not worth a log line, and
        // a failing statement carries a whole document, which has no place in a log. Start-up,
        // shutdown, checkpoints and fatal errors are still logged.
        '-c',
        'log_min_messages=log',
        '-c',
        'log_min_error_statement=panic',
      ],
      logFile,
      cwd: path.dirname(dataDir),
      marker: `-D ${dataDir}`,
      user,
    },
    async prepare() {
      fs.mkdirSync(p.dir, { recursive: true });
      if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
      const home = path.dirname(dataDir);
      fs.mkdirSync(path.dirname(home), { recursive: true, mode: 0o755 });
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      if (user) fs.chownSync(home, user.uid, user.gid);
      const tmp = `${dataDir}.init`;
      fs.rmSync(tmp, { recursive: true, force: true });
      await runCommand(
        bin('initdb'),
        ['-D', tmp, '-U', ROLE, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
        { cwd: home, user },
      );
      fs.renameSync(tmp, dataDir);
    },
    async probe() {
      await runCommand(
        bin('pg_isready'),
        ['-q', '-h', LOOPBACK, '-p', String(p.port), '-U', ROLE, '-d', 'postgres', '-t', '2'],
        {
          cwd: path.dirname(dataDir),
        },
      );
    },
  };
}
