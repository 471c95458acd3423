import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface ProcessSpec {
  /** For messages, e.g. "kafka". */
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended here. */
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Substring of the command line that identifies this process, so a recycled pid is never signalled. */
  marker: string;
  /** Run as this user (PostgreSQL refuses to run as root); needs a root parent. */
  user?: { uid: number; gid: number };
}

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited, with a description such as "exit 1" or "SIGKILL". */
  readonly exited: Promise<string>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs "$@" under a tiny sh supervisor whose stdin is a pipe from this Node process. The pipe
 * closes however Node dies (even SIGKILL), and the watcher then stops the service: Linux offers
 * Node no PR_SET_PDEATHSIG, and the 'exit' handler below cannot run on SIGKILL. The watcher
 * ignores group signals so its SIGKILL escalation survives a group SIGTERM; the supervisor's own
 * exit tracks the service's exit, so awaiting it means the service's ports are released.
 */
const WATCHDOG = `
"$@" </dev/null &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
exec 3<&0
(
  trap '' TERM INT HUP
  while read -r _; do :; done
  kill -TERM "$child" 2>/dev/null
  i=0
  while kill -0 "$child" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 150 ]; then kill -KILL "$child" 2>/dev/null; break; fi
    sleep 0.1
  done
) <&3 &
watcher=$!
exec 3<&-
status=0
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break
done
kill -KILL "$watcher" 2>/dev/null
exit "$status"
`;

const live = new Set<ChildProcess>();
let exitHandlerInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  // Normal exit path (including process.exit()): ask every service to stop. The watchdog
  // escalates to SIGKILL after it sees our stdin pipe close.
  process.on('exit', () => {
    for (const child of live) if (child.pid) signalGroup(child.pid, 'SIGTERM');
  });
}

function openLog(file: string): number {
  return fs.openSync(file, 'a');
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? signal : `exit ${code}`;
}

/**
 * Starts a service tied to this process's lifetime (programmatic API, tests). It is its own
 * process group so stop() reaches the JVM and the watchdog together.
 */
export function spawnSupervised(spec: ProcessSpec): SupervisedProcess {
  installExitHandler();
  const fd = openLog(spec.logFile);
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG, `omni-dev-stack[${spec.name}]`, spec.command, ...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['pipe', fd, fd],
      ...spec.user,
    });
  } finally {
    fs.closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`failed to spawn ${spec.name} (${spec.command})`);
  live.add(child);
  let running = true;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      live.delete(child);
      child.stdin?.destroy();
      resolve(describeExit(code, signal));
    });
  });
  child.on('error', () => {}); // spawn errors surface as 'exit' too; never crash the host
  child.stdin?.on('error', () => {});
  // Neither the child nor its pipe keeps the host alive: a forgotten stop() must not hang a
  // test run, and the exit handler / watchdog clean up then.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();

  return {
    name: spec.name,
    pid,
    exited,
    isRunning: () => running,
    async stop(graceMs = 15_000) {
      if (!running) return;
      signalGroup(pid, 'SIGTERM');
      if (await settlesWithin(exited, graceMs)) return;
      signalGroup(pid, 'SIGKILL');
      await settlesWithin(exited, 5_000);
    },
  };
}

/** Waits for p with a ref'd timer (keeps the event loop alive while stopping unref'd children). */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts a service that outlives this process (the CLI's persistent stack); returns its pid. */
export function spawnDetached(spec: ProcessSpec): number {
  const fd = openLog(spec.logFile);
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...spec.user,
    });
    child.on('error', () => {});
    if (child.pid === undefined) throw new Error(`failed to spawn ${spec.name} (${spec.command})`);
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/** True if pid is alive (not a zombie) and its command line contains marker. */
export function pidMatches(pid: number, marker: string): boolean {
  try {
    if (fs.existsSync('/proc/self/cmdline')) {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) Z /.test(stat)) return false;
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker);
    }
    const out = execFileSync('ps', ['-o', 'stat=,command=', '-p', String(pid)], { encoding: 'utf8' });
    return !out.trimStart().startsWith('Z') && out.includes(marker);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, marker: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pidMatches(pid, marker)) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

/** Stops a process this one did not spawn (recorded pid): SIGTERM, then SIGKILL after graceMs. */
export async function stopPid(pid: number, marker: string, graceMs = 15_000): Promise<void> {
  if (!pidMatches(pid, marker)) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitGone(pid, marker, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  if (!(await waitGone(pid, marker, 5_000))) throw new Error(`pid ${pid} (${marker}) survived SIGKILL`);
}
