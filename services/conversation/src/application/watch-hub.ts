import type { ConversationEvent } from '@omni/contracts';
import { FailedPreconditionError, isDomainError, ResourceExhaustedError, UnavailableError } from '@omni/errors';
import { EventRing, type RingEntry } from '../domain/event-ring';
import { matchesFilter, type WatchFilter } from '../domain/watch-filter';
import { encodePosition, furthest, type OffsetVector } from '../domain/watch-position';

export interface WatchHubOptions {
  /** Recent events held for resuming and for streams that are behind. */
  bufferEvents: number;
  /** Events a stream may fall behind the newest before it is cut; kept below bufferEvents so it can resume. */
  maxLag: number;
  /** Concurrent streams of one tenant on this replica. */
  maxStreamsPerTenant: number;
  observer?: WatchObserver;
}

/** Why streams end or are refused, for metrics. */
export interface WatchObserver {
  streamEnded(reason: 'closed' | 'fell_behind' | 'shutdown'): void;
  refused(reason: 'stream_cap' | 'gap'): void;
}

/** One message of a watch stream: an event, or (without one) a checkpoint that only moves the position. */
export interface WatchItem {
  position: string;
  event?: ConversationEvent;
}

/**
 * This replica's view of omni.conversation-events.v1: one ring of recent events shared by every
 * stream. A stream is a cursor into the ring, so a subscriber costs no memory of its own however
 * far behind it is; one that falls more than `maxLag` events behind is cut while its last
 * position can still be resumed.
 */
export class WatchHub {
  private ring?: EventRing<ConversationEvent>;
  private readonly subscriptions = new Set<WatchSubscription>();
  private readonly streamsPerTenant = new Map<string, number>();
  private readonly maxLag: number;
  private closed = false;

  constructor(private readonly options: WatchHubOptions) {
    this.maxLag = Math.max(1, Math.min(options.maxLag, options.bufferEvents - 1));
  }

  /** Called once the consumer knows the first offset it will read on each partition. */
  begin(start: OffsetVector): void {
    this.ring = new EventRing(this.options.bufferEvents, start);
  }

  /** An event read from the topic; duplicates (same offset, or an id still held) are dropped. */
  publish(partition: number, offset: number, event: ConversationEvent): void {
    if (!this.ring) throw new Error('WatchHub.publish called before begin');
    const entry = this.ring.append(partition, offset, event.id, event);
    if (!entry) return;
    for (const subscription of this.subscriptions) subscription.offer(entry);
  }

  /**
   * A stream of the filter's events, live from now, or from right after `resumeAfter` with the
   * missed events first. FailedPreconditionError when events since that position were evicted.
   */
  subscribe(filter: WatchFilter, resumeAfter?: OffsetVector): WatchSubscription {
    const ring = this.ring;
    if (this.closed || !ring) throw new UnavailableError('live updates are not available on this server right now');
    const open = this.streamsPerTenant.get(filter.tenantId) ?? 0;
    if (open >= this.options.maxStreamsPerTenant) {
      this.options.observer?.refused('stream_cap');
      throw new ResourceExhaustedError(
        `at most ${this.options.maxStreamsPerTenant} concurrent watch streams per tenant; close one first`,
        { retryAfterSeconds: 5 },
      );
    }
    if (resumeAfter && !ring.covers(resumeAfter)) {
      this.options.observer?.refused('gap');
      throw new FailedPreconditionError(
        'events after that position are no longer held: re-read the state you show, then watch without a position',
      );
    }
    this.streamsPerTenant.set(filter.tenantId, open + 1);
    const subscription = new WatchSubscription(ring, filter, this.maxLag, resumeAfter, (reason) => {
      this.options.observer?.streamEnded(endReason(reason));
      this.subscriptions.delete(subscription);
      const left = (this.streamsPerTenant.get(filter.tenantId) ?? 1) - 1;
      if (left > 0) this.streamsPerTenant.set(filter.tenantId, left);
      else this.streamsPerTenant.delete(filter.tenantId);
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  get openStreams(): number {
    return this.subscriptions.size;
  }

  /** Events held for resuming. */
  get bufferedEvents(): number {
    return this.ring ? this.ring.head - this.ring.oldest : 0;
  }

  /** Ends every stream (UNAVAILABLE: resume elsewhere) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const subscription of this.subscriptions) {
      subscription.end(
        new UnavailableError('the server is shutting down: watch again from the last position received'),
      );
    }
  }
}

function endReason(reason: unknown): 'closed' | 'fell_behind' | 'shutdown' {
  if (!isDomainError(reason)) return 'closed';
  if (reason.kind === 'resource_exhausted') return 'fell_behind';
  return reason.kind === 'unavailable' ? 'shutdown' : 'closed';
}

/** One stream's cursor into the hub's ring. Read it with next(); end it with close(). */
export class WatchSubscription {
  private readonly controller = new AbortController();
  /** Positions at or before this are the client's past: a resume's token, else where the stream began. */
  private readonly floor: OffsetVector;
  /** Entries from here on arrived after the stream opened; only they count as lag. */
  private readonly liveFrom: number;
  private cursor: number;
  /** The position after the last entry looked at. */
  private scanned: OffsetVector;
  private checkpointDue = true;
  private wake?: () => void;

  constructor(
    private readonly ring: EventRing<ConversationEvent>,
    private readonly filter: WatchFilter,
    private readonly maxLag: number,
    resumeAfter: OffsetVector | undefined,
    private readonly onEnd: (reason: unknown) => void,
  ) {
    this.floor = resumeAfter ?? ring.position;
    this.scanned = this.floor;
    this.liveFrom = ring.head;
    this.cursor = resumeAfter ? ring.oldest : ring.head;
  }

  /** Aborted, with the reason, when the stream has to end: shutdown, fell behind, or closed. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * The next item: first a checkpoint with the starting position, then the events that match,
   * with a checkpoint whenever `idleMs` passes without one. Throws the reason once ended.
   */
  async next(idleMs: number): Promise<WatchItem> {
    for (;;) {
      if (this.signal.aborted) throw this.signal.reason;
      if (this.checkpointDue) {
        this.checkpointDue = false;
        return { position: encodePosition(this.position()) };
      }
      const item = this.scan();
      if (item) return item;
      if (!(await this.park(idleMs))) this.checkpointDue = true;
    }
  }

  /** Ends the stream; `reason` is what a pending or later next() throws. */
  end(reason: unknown): void {
    if (this.signal.aborted) return;
    this.controller.abort(reason);
    this.onEnd(reason);
  }

  /** The transport is gone. */
  close(reason: unknown = new Error('watch stream closed')): void {
    this.end(reason);
  }

  /** A transport write that may wait on a client that stopped reading: it must not outlive the stream. */
  whileOpen(write: Promise<void>): Promise<void> {
    const { signal } = this;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      write.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** The hub appended `entry`, the newest entry. */
  offer(entry: RingEntry<ConversationEvent>): void {
    if (this.wake) {
      // Waiting with nothing unread: look at the entry now, so waiters never lag.
      if (this.cursor === entry.seq && !this.wants(entry)) {
        this.cursor++;
        this.scanned = entry.position;
      } else {
        this.wake();
      }
      return;
    }
    const lag = this.ring.head - Math.max(this.cursor, this.liveFrom);
    if (lag > this.maxLag) {
      this.end(
        new ResourceExhaustedError(
          `the stream fell ${lag} events behind (the limit is ${this.maxLag}): watch again from the last position received`,
        ),
      );
    }
  }

  private position(): OffsetVector {
    return furthest(this.floor, this.scanned);
  }

  private wants(entry: RingEntry<ConversationEvent>): boolean {
    return entry.offset >= (this.floor[entry.partition] ?? 0) && matchesFilter(this.filter, entry.value);
  }

  private scan(): WatchItem | undefined {
    while (this.cursor < this.ring.head) {
      if (this.cursor < this.ring.oldest) {
        // Evicted before this stream looked at them; harmless only if none was still owed to it.
        if (!this.ring.covers(this.position())) {
          this.end(new ResourceExhaustedError('the stream fell behind: watch again from the last position received'));
          throw this.signal.reason;
        }
        this.cursor = this.ring.oldest;
      }
      const entry = this.ring.at(this.cursor) as RingEntry<ConversationEvent>;
      this.cursor++;
      this.scanned = entry.position;
      if (this.wants(entry)) return { position: encodePosition(this.position()), event: entry.value };
    }
    return undefined;
  }

  /** Waits for an entry worth a look (true), the end of the stream (true), or `idleMs` (false). */
  private park(idleMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        resolve(woken);
      };
      const onAbort = () => done(true);
      const timer = setTimeout(() => done(false), idleMs);
      this.wake = () => done(true);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
