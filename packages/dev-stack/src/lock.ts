import * as fs from 'node:fs';
import type { LogFn } from './progress';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Cross-process mutex via an O_EXCL lock file holding the owner's pid. It only avoids
 * duplicate slow builds; correctness comes from building in a temp dir and renaming, so a
 * lock left by a crashed process (dead pid) is simply taken over.
 */
export async function withLock<T>(
  lockFile: string,
  log: LogFn,
  fn: () => Promise<T>,
  timeoutMs = 30 * 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);
    if (!Number.isFinite(owner) || !pidAlive(owner)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockFile} held by pid ${owner}`);
    if (!announced) {
      log(`waiting for pid ${owner}, which is provisioning the same artifact (${lockFile})`);
      announced = true;
    }
    await sleep(1000);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
