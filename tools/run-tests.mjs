// `npm test`: install if needed, generate and build, lint, then one jest run
// (its global setup brings up the dev stack). Ends with a plain
// "Tests: N passed, N failed" line whatever happened.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** swaks, the SMTP client one email test drives, from Debian's packages when we may install them. */
function ensureSwaks() {
  if (has('swaks')) return 0;
  if (!has('apt-get') || process.getuid?.() !== 0) {
    process.stderr.write('[test] swaks is missing and cannot be installed here: install it (apt-get install swaks)\n');
    return 1;
  }
  process.stderr.write('[test] installing swaks (apt-get)...\n');
  const quiet = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] };
  if (spawnSync('apt-get', ['install', '-y', '-qq', 'swaks'], quiet).status === 0) return 0;
  spawnSync('apt-get', ['update', '-qq'], quiet);
  return spawnSync('apt-get', ['install', '-y', '-qq', 'swaks'], quiet).status ?? 1;
}

/** grpcurl, which a test drives through server reflection as users do; built once from its Go module. */
const grpcurlBin = join(homedir(), '.cache', 'omni-dev-stack', 'bin');
function ensureGrpcurl() {
  if (has('grpcurl') || existsSync(join(grpcurlBin, 'grpcurl'))) return 0;
  if (!has('go')) {
    process.stderr.write('[test] grpcurl is missing and Go is not installed to build it\n');
    return 1;
  }
  process.stderr.write('[test] building grpcurl (go install, once)...\n');
  const env = { ...process.env, GOBIN: grpcurlBin };
  return (
    spawnSync('go', ['install', 'github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3'], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    }).status ?? 1
  );
}

const steps = [
  ['install', () => run(process.execPath, [join(root, 'tools', 'ensure-installed.mjs')])],
  ['swaks', ensureSwaks],
  ['grpcurl', ensureGrpcurl],
  ['build', () => run(bin('turbo'), ['run', 'build', '--output-logs=errors-only'])],
  ['lint', () => run(bin('biome'), ['check', '.'])],
  // jest transpiles without type checks; this checks tests and sources together.
  ['typecheck', () => run(bin('tsc'), ['-p', 'tsconfig.json'])],
];
for (const [name, step] of steps) {
  const status = step();
  if (status !== 0) {
    process.stderr.write(`[test] ${name} failed (exit ${status})\n`);
    process.stdout.write('Tests: 0 passed, 1 failed\n');
    process.exit(status);
  }
}

mkdirSync(join(root, '.omni'), { recursive: true });
const results = join(root, '.omni', 'jest-results.json');
rmSync(results, { force: true });
// On a two-core machine jest runs every test file in its own main process (in band, below three
// cores), so one handle a failing test left open would keep it waiting after its summary until
// CI's own limit: it exits once the results are written, as a CI run must.
const status = run(bin('jest'), ['--ci', '--forceExit', '--json', `--outputFile=${results}`, ...process.argv.slice(2)]);
if (existsSync(results)) {
  const summary = JSON.parse(readFileSync(results, 'utf8'));
  const failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  process.stdout.write(`Tests: ${summary.numPassedTests} passed, ${failed} failed\n`);
} else {
  process.stdout.write('Tests: 0 passed, 1 failed\n');
}
process.exit(status);
