import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLock } from './lock';
import { FERRETDB_VERSION, ferretdbBinary } from './paths';
import { elapsed, type LogFn } from './progress';
import { runCommand } from './run-command';

const MODULE = 'github.com/FerretDB/FerretDB';

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else if (entry.isFile()) fs.chmodSync(p, fs.statSync(p).mode | 0o200);
  }
}

/**
 * Builds FerretDB v1 (SQLite backend, pure Go) from its Go module into the cache; returns the
 * binary path. `go install` would panic at startup: build/version/version.txt is generated
 * from git and absent from the module zip, so we build from a writable copy that has it.
 */
export async function provisionFerretdb(cacheDir: string, log: LogFn): Promise<string> {
  const binary = ferretdbBinary(cacheDir);
  const finalDir = path.dirname(binary);
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(cacheDir, { recursive: true });
  await withLock(`${finalDir}.lock`, log, async () => {
    if (fs.existsSync(binary)) return;
    const tmp = fs.mkdtempSync(`${finalDir}.tmp-`);
    try {
      const started = Date.now();
      log(`provisioning FerretDB v${FERRETDB_VERSION}: go mod download...`);
      // Run outside any module so a go.mod/go.work around the caller cannot interfere.
      const goEnv = { ...process.env, CGO_ENABLED: '0', GOWORK: 'off' };
      const json = await runCommand('go', ['mod', 'download', '-json', `${MODULE}@v${FERRETDB_VERSION}`], {
        cwd: os.tmpdir(),
        env: goEnv,
      }).catch((err: Error) => {
        throw new Error(
          `${err.message}\n(FerretDB provisioning needs Go >= 1.24 on PATH (older Go fetches its go1.24 toolchain itself) and the Go module proxy reachable)`,
        );
      });
      const moduleDir = (JSON.parse(json) as { Dir?: string }).Dir;
      if (!moduleDir) throw new Error(`go mod download gave no Dir: ${json}`);
      const src = path.join(tmp, 'src');
      fs.cpSync(moduleDir, src, { recursive: true });
      makeWritable(src);
      fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `v${FERRETDB_VERSION}\n`);
      log(`building FerretDB with go build (first run only, about 2 minutes on 2 cores)...`);
      const out = path.join(tmp, 'ferretdb');
      await runCommand('go', ['build', '-trimpath', '-buildvcs=false', '-o', out, './cmd/ferretdb'], {
        cwd: src,
        env: goEnv,
      });
      const version = await runCommand(out, ['--version']);
      if (!version.includes(`v${FERRETDB_VERSION}`))
        throw new Error(`built ferretdb reports an unexpected version:\n${version}`);
      fs.rmSync(src, { recursive: true, force: true });
      fs.chmodSync(tmp, 0o755); // mkdtemp makes it 0700
      fs.renameSync(tmp, finalDir);
      log(`FerretDB ready at ${binary} (${elapsed(started)})`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
  return binary;
}
