import type { Logger } from '@omni/logging';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import type { Router } from './router';
import type { TenantView } from './tenant-view';

const BATCH = 200;

/**
 * Takes the first decision for every conversation that waits without one,
 * best first (queue order). The consumer only records conversations and
 * wakes it, so a burst of events is committed quickly and the decisions
 * follow as fast as the store allows. Safe on any number of replicas: a
 * conversation is assigned by the unique slot it claims.
 */
export class Dispatcher {
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly router: Router,
    private readonly states: RoutingStateRepository,
    private readonly logger: Logger,
    /** Decisions in flight at once: each mostly waits on the store. */
    private readonly concurrency = 8,
  ) {}

  /** Runs a pass now, or right after the one in progress. */
  readonly wake = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A wake between the loop's last check and here found it still running: honour it now.
      if (this.again) this.wake();
    });
  };

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (error: unknown) {
        // The sweep wakes the dispatcher again; the conversations stay queued meanwhile.
        this.logger.warn({ err: error }, 'dispatch pass failed');
      }
    } while (this.again && !this.stopped);
  }

  private async pass(): Promise<void> {
    for (;;) {
      const waiting = await this.states.undecided(BATCH);
      // One read of each tenant's agents and slots per batch, shared by its decisions.
      const views = new Map<string, Promise<TenantView>>();
      const viewOf = (tenantId: string) => {
        let view = views.get(tenantId);
        if (!view) {
          view = this.router.view(tenantId);
          views.set(tenantId, view);
        }
        return view;
      };
      // Taken in queue order by a few workers, so the best waiting conversations claim first.
      const next = waiting[Symbol.iterator]();
      const worker = async () => {
        for (let item = next.next(); !item.done && !this.stopped; item = next.next()) {
          const state = item.value;
          await this.router.route(state, state.trigger || 'opened', undefined, await viewOf(state.tenantId));
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, waiting.length) }, worker));
      if (waiting.length < BATCH || this.stopped) return;
    }
  }
}
