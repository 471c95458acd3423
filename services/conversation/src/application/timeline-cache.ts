/** Which first page: the tenant and conversation it belongs to, its size, and the conversation's timeline mark. */
export interface TimelinePageKey {
  tenantId: string;
  conversationId: string;
  pageSize: number;
  /** The `timelineMark` of the conversation document just read; '' (none yet) is never cached. */
  mark: string;
}

export interface TimelineCacheOptions<V> {
  /** Pages held at most; 0 turns the cache off. */
  maxEntries: number;
  /** Sum of `sizeOf` over the pages held at most. */
  maxBytes: number;
  sizeOf: (value: V) => number;
  observer?: TimelineCacheObserver;
}

/** Told of every lookup and eviction (metrics). */
export interface TimelineCacheObserver {
  hit(): void;
  miss(): void;
  evicted(): void;
}

export interface TimelineCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface Entry<V> {
  mark: string;
  value: V;
  bytes: number;
}

/**
 * First timeline pages of recently read conversations, in this process only.
 * An entry answers only a caller who read the same timeline mark from the
 * conversation document moments before, so a page is never older than what
 * the database held at that read; a new mark simply misses (and replaces the
 * entry). Least recently used pages go first once either bound is reached.
 * Concurrent misses of one page at one mark share a single load.
 */
export class TimelinePageCache<V> {
  /** Map order is use order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(private readonly options: TimelineCacheOptions<V>) {}

  async get(key: TimelinePageKey, load: () => Promise<V>): Promise<V> {
    if (!key.mark || this.options.maxEntries <= 0) return load();
    const id = `${key.tenantId}\u0000${key.conversationId}\u0000${key.pageSize}`;
    const entry = this.entries.get(id);
    if (entry?.mark === key.mark) {
      this.hits++;
      this.options.observer?.hit();
      this.entries.delete(id);
      this.entries.set(id, entry);
      return entry.value;
    }
    this.misses++;
    this.options.observer?.miss();
    const flight = `${id}\u0000${key.mark}`;
    const pending = this.loading.get(flight);
    if (pending) return pending;
    const promise = load().then((value) => {
      this.store(id, key.mark, value);
      return value;
    });
    this.loading.set(flight, promise);
    try {
      return await promise;
    } finally {
      this.loading.delete(flight);
    }
  }

  stats(): TimelineCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }

  private store(id: string, mark: string, value: V): void {
    const bytes = this.options.sizeOf(value);
    this.remove(id);
    if (bytes > this.options.maxBytes) return;
    this.entries.set(id, { mark, value, bytes });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break;
      this.remove(oldest);
      this.evictions++;
      this.options.observer?.evicted();
    }
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}
