// `npm run bench`: runs every compiled bench program (bench/dist/*.bench.js) in
// turn, each in its own process, and ends non-zero when any of them failed.
// `npm run bench -- email webhook` runs only the named ones.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'dist');
const all = existsSync(dist)
  ? readdirSync(dist)
      .filter((file) => file.endsWith('.bench.js'))
      .sort()
  : [];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(`${name}.bench.js`));
if (unknown.length > 0) {
  process.stderr.write(`[bench] no such bench: ${unknown.join(', ')} (have: ${all.join(', ') || 'none'})\n`);
  process.exit(2);
}
const chosen = wanted.length > 0 ? wanted.map((name) => `${name}.bench.js`) : all;
const failed = [];
for (const file of chosen) {
  process.stdout.write(`\n[bench] ${file}\n`);
  const { status } = spawnSync(process.execPath, [join(dist, file)], { stdio: 'inherit' });
  if (status !== 0) failed.push(`${file} (exit ${status})`);
}
process.stdout.write(
  `\n[bench] ${chosen.length - failed.length} of ${chosen.length} benches ran${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`,
);
process.exit(failed.length > 0 ? 1 : 0);
