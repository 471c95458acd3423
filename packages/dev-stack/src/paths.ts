import * as os from 'node:os';
import * as path from 'node:path';

export const KAFKA_VERSION = '3.9.1';
export const FERRETDB_VERSION = '1.24.2';

/** Built artifacts live in the user's cache, never in the repo, so every checkout shares them. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'omni-dev-stack');
}

/** Persistent state of named (CLI) stacks; test runs use throwaway temp dirs instead. */
export function defaultStateRoot(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'omni-dev-stack');
}

export function kafkaLibsDir(cacheDir: string): string {
  return path.join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
}

export function ferretdbBinary(cacheDir: string): string {
  return path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}
