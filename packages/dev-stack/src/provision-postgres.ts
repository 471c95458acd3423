import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLock } from './lock';
import { elapsed, type LogFn } from './progress';
import { runCommand } from './run-command';

/** Where a PostgreSQL server's programs are, and whom it runs as. */
export interface PostgresInstallation {
  binDir: string;
  /** Set when we are root: PostgreSQL refuses to run as root, so it runs as this account. */
  user?: { name: string; uid: number; gid: number };
}

const SERVER_PROGRAMS = ['postgres', 'initdb', 'pg_isready'];

const hasServer = (dir: string) => SERVER_PROGRAMS.every((p) => fs.existsSync(path.join(dir, p)));

/** OMNI_STACK_POSTGRES_BINDIR, then Debian's /usr/lib/postgresql/<major>/bin (newest), then PATH. */
function findBinDir(): string | undefined {
  const explicit = process.env.OMNI_STACK_POSTGRES_BINDIR?.trim();
  if (explicit) {
    if (!hasServer(explicit))
      throw new Error(`OMNI_STACK_POSTGRES_BINDIR=${explicit} has no ${SERVER_PROGRAMS.join(', ')}`);
    return explicit;
  }
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const majors = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const dir = path.join(debian, major, 'bin');
      if (hasServer(dir)) return dir;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir && hasServer(dir)) return dir;
  return undefined;
}

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    // no passwd file: not a system we can switch users on
  }
  return undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Debian's package, on a machine where we are root and apt-get exists; returns whether it worked. */
async function aptInstall(log: LogFn): Promise<boolean> {
  if (!isRoot() || !fs.existsSync('/usr/bin/apt-get')) return false;
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql', 'postgresql-contrib'], { env });
  log('PostgreSQL is not installed: apt-get install postgresql...');
  try {
    await install().catch(async () => {
      await runCommand('apt-get', ['update'], { env });
      await install();
    });
    log(`PostgreSQL installed in ${elapsed(started)}`);
    return true;
  } catch (err) {
    log(`could not install PostgreSQL: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return false;
  }
}

/**
 * FerretDB's PostgreSQL backend runs on a local PostgreSQL server: finds its programs (installing
 * Debian's package when we are root and it is missing) and the account it runs as. Undefined when
 * there is none to be had; the caller then falls back to FerretDB's SQLite backend.
 */
export async function provisionPostgres(cacheDir: string, log: LogFn): Promise<PostgresInstallation | undefined> {
  let binDir = findBinDir();
  if (!binDir) {
    fs.mkdirSync(cacheDir, { recursive: true });
    // One installer at a time: parallel test runs on a fresh machine would fight over dpkg's lock.
    binDir = await withLock(path.join(cacheDir, 'postgres-install.lock'), log, async () => {
      return findBinDir() ?? ((await aptInstall(log)) ? findBinDir() : undefined);
    });
  }
  if (!binDir) return undefined;
  if (!isRoot()) return { binDir };
  const account = process.env.OMNI_STACK_POSTGRES_USER?.trim() || 'postgres';
  const ids = passwdEntry(account);
  if (!ids) {
    log(`running as root and there is no "${account}" account for PostgreSQL (OMNI_STACK_POSTGRES_USER)`);
    return undefined;
  }
  return { binDir, user: { name: account, ...ids } };
}

/**
 * The backend for a local FerretDB: OMNI_STACK_FERRETDB_BACKEND=postgresql, sqlite or auto (the
 * default: PostgreSQL when it is installed or installable, else SQLite). Returns the PostgreSQL
 * installation, or undefined for SQLite.
 */
export async function chooseFerretdbBackend(cacheDir: string, log: LogFn): Promise<PostgresInstallation | undefined> {
  const wanted = (process.env.OMNI_STACK_FERRETDB_BACKEND || 'auto').trim().toLowerCase();
  if (wanted === 'sqlite') return undefined;
  if (wanted !== 'auto' && wanted !== 'postgresql')
    throw new Error(`OMNI_STACK_FERRETDB_BACKEND=${wanted}: expected auto, postgresql or sqlite`);
  const install = await provisionPostgres(cacheDir, log);
  if (install) return install;
  if (wanted === 'postgresql')
    throw new Error('OMNI_STACK_FERRETDB_BACKEND=postgresql but no PostgreSQL server can be found or installed');
  log(
    'no PostgreSQL server found or installable: FerretDB runs on its SQLite backend (much slower on filtered queries)',
  );
  return undefined;
}
