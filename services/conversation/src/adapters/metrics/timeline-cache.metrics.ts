import { Counter, Gauge, type Registry } from 'prom-client';
import type { TimelineCacheObserver, TimelineCacheStats } from '../../application/timeline-cache';

/** The timeline cache on /metrics: hits, misses and evictions as they happen, its size at scrape time. */
export class TimelineCacheMetrics implements TimelineCacheObserver {
  private readonly lookups: Counter<'result'>;
  private readonly evictions: Counter;

  /** `stats` is read at scrape time (the cache takes this as its observer, so it is built after). */
  constructor(registry: Registry, stats: () => TimelineCacheStats) {
    this.lookups = new Counter({
      name: 'conversation_timeline_cache_lookups_total',
      help: 'First timeline pages asked of the cache, by result: hit, or miss (read from the database)',
      labelNames: ['result'],
      registers: [registry],
    });
    this.evictions = new Counter({
      name: 'conversation_timeline_cache_evictions_total',
      help: 'Cached timeline pages dropped to stay within the bounds',
      registers: [registry],
    });
    const gauge = (name: string, help: string, read: (s: TimelineCacheStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(stats()));
        },
      });
    gauge('conversation_timeline_cache_pages', 'First timeline pages cached on this replica', (s) => s.entries);
    gauge(
      'conversation_timeline_cache_bytes',
      'Estimated memory of the cached pages (5 times their protobuf size)',
      (s) => s.bytes,
    );
  }

  hit(): void {
    this.lookups.inc({ result: 'hit' });
  }

  miss(): void {
    this.lookups.inc({ result: 'miss' });
  }

  evicted(): void {
    this.evictions.inc();
  }
}
