import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidMatches, spawnSupervised } from './process-supervisor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until value() is defined (or true), for at most ms. */
async function waitFor<T>(value: () => T | undefined | false, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = value();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}

/** pid of the process (other than the sh supervisor) whose command line has marker. */
function findPid(marker: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd[0] === 'sleep' && cmd.join(' ').includes(marker)) return Number(entry);
    } catch {
      // raced with exit
    }
  }
  return undefined;
}

const linux = process.platform === 'linux' ? describe : describe.skip;

linux('process supervisor', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-supervisor-spec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops the service with SIGTERM and reports the exit', async () => {
    const seconds = String(1000 + Math.floor(Math.random() * 1000));
    const proc = spawnSupervised({
      name: 'sleep',
      command: 'sleep',
      args: [seconds],
      logFile: path.join(dir, 'log'),
      marker: seconds,
    });
    const pid = await waitFor(() => findPid(seconds), 5000);
    expect(pid).toBeDefined();
    await proc.stop(5000);
    expect(proc.isRunning()).toBe(false);
    expect(pidMatches(pid as number, seconds)).toBe(false);
  });

  // The parent must be a plain Node process, so it loads the compiled module (built by `npm test`).
  const compiled = path.join(__dirname, '..', 'dist', 'process-supervisor.js');
  const withBuild = fs.existsSync(compiled) ? it : it.skip;

  withBuild('kills the service when its parent is SIGKILLed', async () => {
    const seconds = String(2000 + Math.floor(Math.random() * 1000));
    const spec = { name: 'sleep', command: 'sleep', args: [seconds], logFile: path.join(dir, 'log'), marker: seconds };
    const parentScript = `require(${JSON.stringify(compiled)}).spawnSupervised(${JSON.stringify(spec)}); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: 'ignore' });
    const pid = await waitFor(() => findPid(seconds), 5000);
    expect(pid).toBeDefined();
    parent.kill('SIGKILL');
    expect(await waitFor(() => !pidMatches(pid as number, seconds), 10_000)).toBe(true);
  });
});
