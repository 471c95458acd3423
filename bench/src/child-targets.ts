import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** USER_HZ: the unit of /proc/<pid>/stat's CPU times, 100 on every Linux platform Node runs on. */
const CLOCK_TICKS = 100;

/**
 * Servers a bench loads, run in a child process of their own (as they are deployed), so the
 * load generator in the bench's process never shares their event loop. The child is one of the
 * bench's `*-child.js` programs: it receives its environment in BENCH_SERVICE_ENV, answers each
 * command over IPC with a message carrying the command's answer key, and exits on `stop`.
 */
export class ChildTargets {
  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {}

  /** Forks `script` (a file of bench/dist) and waits for its first message, which holds `readyKey`. */
  static async start(
    script: string,
    env: NodeJS.ProcessEnv,
    readyKey: string,
    extra: Record<string, string> = {},
    execArgv: string[] = [],
  ): Promise<{ targets: ChildTargets; ready: Record<string, unknown> }> {
    const child = fork(join(__dirname, script), {
      env: { ...process.env, ...extra, BENCH_SERVICE_ENV: JSON.stringify(env) },
      execArgv: [...process.execArgv, ...execArgv],
    });
    const targets = new ChildTargets(child, script);
    const ready = await targets.next(readyKey);
    return { targets, ready };
  }

  /** Sends `message` and resolves with the child's reply that holds `answerKey`. */
  async ask(message: Record<string, unknown>, answerKey: string): Promise<Record<string, unknown>> {
    const reply = this.next(answerKey);
    this.child.send(message);
    return reply;
  }

  /**
   * CPU seconds (user + system) the child has used so far, from /proc (Linux); NaN elsewhere.
   * Unlike a rate, it hardly moves with what else the machine runs.
   */
  cpuSeconds(): number {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      return Number.NaN;
    }
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ command: 'stop' });
    });
  }

  private next(key: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench child ${this.name} exited with ${code}`));
      this.child.once('exit', onExit);
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(message);
      };
      this.child.on('message', onMessage);
    });
  }
}

/** What a child runs: what it reports when ready, how it stops, and how it answers other commands. */
export interface ChildServers<T> {
  ready: T;
  stop(): Promise<unknown>;
  handle?(message: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
}

/**
 * The child's side: reads its environment, runs `start`, reports its `ready` under `readyKey`,
 * then answers commands with its `handle` until `stop`, when it runs `stop` and exits.
 */
export function serveChild<T>(readyKey: string, start: (env: NodeJS.ProcessEnv) => Promise<ChildServers<T>>): void {
  const fail = (error: unknown) => {
    process.stderr.write(`bench child: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  };
  const env = { ...process.env, ...(JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') as NodeJS.ProcessEnv) };
  start(env).then(({ ready, stop, handle }) => {
    process.on('message', (message: Record<string, unknown>) => {
      if (message.command === 'stop') {
        stop().then(() => process.exit(0), fail);
        return;
      }
      handle?.(message).then((answer) => answer && process.send?.(answer), fail);
    });
    // The parent going away ends the child too.
    process.on('disconnect', () => void stop().finally(() => process.exit(0)));
    process.send?.({ [readyKey]: ready });
  }, fail);
}
