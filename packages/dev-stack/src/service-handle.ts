import { type SupervisedProcess, spawnSupervised } from './process-supervisor';
import { waitUntilReady } from './readiness';
import type { LocalService } from './service';

/** One running (or stoppable/restartable) service as the stack sees it, whatever its source. */
export interface ServiceHandle {
  readonly source: 'local' | 'docker' | 'external';
  readonly address: string;
  readonly logFile?: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A service already provided by the environment: dev-stack must not pretend to control it. */
export function externalHandle(label: string, envVar: string, address: string): ServiceHandle {
  const refuse = async () => {
    throw new Error(`${label} is external (${envVar} is set); dev-stack did not start it and cannot stop or start it`);
  };
  return { source: 'external', address, start: refuse, stop: refuse };
}

/** A local process tied to this Node process; start() can be repeated after stop() on the same ports and data. */
export function supervisedHandle(svc: LocalService): ServiceHandle {
  let proc: SupervisedProcess | undefined;
  return {
    source: 'local',
    address: svc.address,
    logFile: svc.logFile,
    async start() {
      if (proc?.isRunning()) return;
      await svc.prepare();
      const p = spawnSupervised(svc.spec);
      proc = p;
      let exitReason: string | undefined;
      void p.exited.then((r) => {
        exitReason = r;
      });
      try {
        await waitUntilReady(svc.probe, {
          what: svc.what,
          logFile: svc.logFile,
          timeoutMs: svc.readyTimeoutMs,
          deadReason: () => exitReason,
        });
      } catch (err) {
        await p.stop();
        throw err;
      }
    },
    async stop() {
      await proc?.stop();
    },
  };
}

/**
 * Services that make one: started in order, each ready before the next (PostgreSQL, then the
 * FerretDB on it), stopped in reverse.
 */
export function chainedHandle(parts: ServiceHandle[]): ServiceHandle {
  const last = parts[parts.length - 1] as ServiceHandle;
  return {
    source: last.source,
    address: last.address,
    logFile: last.logFile,
    async start() {
      const started: ServiceHandle[] = [];
      try {
        for (const p of parts) {
          await p.start();
          started.push(p);
        }
      } catch (err) {
        for (const p of started.reverse()) await p.stop().catch(() => {});
        throw err;
      }
    },
    async stop() {
      for (const p of [...parts].reverse()) await p.stop();
    },
  };
}
