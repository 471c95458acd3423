import { Counter, Gauge, type Registry } from 'prom-client';
import type { WatchHub, WatchObserver } from '../../application/watch-hub';

/** Live-update streams on /metrics: how many are open, why they end, and how often a resume comes too late. */
export class WatchMetrics implements WatchObserver {
  private readonly ended: Counter<'reason'>;
  private readonly refusals: Counter<'reason'>;

  /** `hub` is read at scrape time (the hub takes this as its observer, so it is built after). */
  constructor(registry: Registry, hub: () => WatchHub) {
    this.ended = new Counter({
      name: 'conversation_watch_streams_ended_total',
      help: 'Watch streams (gRPC and SSE) ended, by reason: closed by the client, fell behind, shutdown',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.refusals = new Counter({
      name: 'conversation_watch_refusals_total',
      help: 'Watch requests refused: stream_cap (tenant limit) or gap (resume position no longer held)',
      labelNames: ['reason'],
      registers: [registry],
    });
    new Gauge({
      name: 'conversation_watch_streams',
      help: 'Watch streams open on this replica',
      registers: [registry],
      collect() {
        this.set(hub().openStreams);
      },
    });
    new Gauge({
      name: 'conversation_watch_buffered_events',
      help: 'Recent conversation events held for resuming',
      registers: [registry],
      collect() {
        this.set(hub().bufferedEvents);
      },
    });
  }

  streamEnded(reason: 'closed' | 'fell_behind' | 'shutdown'): void {
    this.ended.inc({ reason });
  }

  refused(reason: 'stream_cap' | 'gap'): void {
    this.refusals.inc({ reason });
  }
}
