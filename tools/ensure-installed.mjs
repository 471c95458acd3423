// Installs the workspace's dependencies when they are missing or older than the
// lockfile, so `npm start` and `npm test` work on a fresh clone by themselves.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lockfile).mtimeMs;
if (stale) {
  process.stderr.write('[setup] installing dependencies (npm install, versions pinned by package-lock.json)...\n');
  // Not `npm ci`: see .ci/run for the npm bug that makes it refuse this lockfile.
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
