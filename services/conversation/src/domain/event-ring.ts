import type { OffsetVector } from './watch-position';

export interface RingEntry<T> {
  /** Arrival number in this ring, from 0. */
  readonly seq: number;
  readonly partition: number;
  readonly offset: number;
  readonly id: string;
  /** The position right after this entry. */
  readonly position: OffsetVector;
  readonly value: T;
}

/**
 * The most recent events of a topic in arrival order, at most `capacity` of them, with the
 * bookkeeping that tells whether a position can still be resumed from: per partition, the
 * offset from which every event is still held (or yet to come).
 */
export class EventRing<T> {
  private readonly slots: Array<RingEntry<T> | undefined>;
  /** Event id → seq of the held entry carrying it. */
  private readonly ids = new Map<string, number>();
  private readonly current: number[];
  private readonly coveredFrom: number[];
  private nextSeq = 0;

  /** `start`: per partition, the first offset this ring will be given. */
  constructor(
    readonly capacity: number,
    start: OffsetVector,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array(capacity);
    this.current = [...start];
    this.coveredFrom = [...start];
  }

  /** Seq the next entry will get. */
  get head(): number {
    return this.nextSeq;
  }

  /** Seq of the oldest entry still held. */
  get oldest(): number {
    return Math.max(0, this.nextSeq - this.capacity);
  }

  /** The position after everything appended so far (duplicates included). */
  get position(): OffsetVector {
    return [...this.current];
  }

  at(seq: number): RingEntry<T> | undefined {
    if (seq < this.oldest || seq >= this.nextSeq) return undefined;
    return this.slots[seq % this.capacity];
  }

  /**
   * Adds an event read at (partition, offset). Returns undefined, holding nothing new, when the
   * offset was read before (a consumer re-reading after a reconnect) or an entry with the same id
   * is still held (a replay or redelivery re-emitting the event).
   */
  append(partition: number, offset: number, id: string, value: T): RingEntry<T> | undefined {
    const next = this.current[partition];
    if (next !== undefined && offset < next) return undefined;
    // A partition unknown at start (added since): nothing before its first event can be vouched for.
    this.coveredFrom[partition] ??= offset;
    this.current[partition] = offset + 1;
    if (this.ids.has(id)) return undefined;

    if (this.nextSeq >= this.capacity) this.evict(this.nextSeq - this.capacity);
    const entry: RingEntry<T> = { seq: this.nextSeq, partition, offset, id, position: [...this.current], value };
    this.slots[entry.seq % this.capacity] = entry;
    this.ids.set(id, entry.seq);
    this.nextSeq++;
    return entry;
  }

  /** Whether every event after `position` is still held or yet to come. */
  covers(position: OffsetVector): boolean {
    return this.coveredFrom.every((from, partition) => (position[partition] ?? 0) >= from);
  }

  private evict(seq: number): void {
    const entry = this.slots[seq % this.capacity] as RingEntry<T>;
    this.slots[seq % this.capacity] = undefined;
    if (this.ids.get(entry.id) === seq) this.ids.delete(entry.id);
    this.coveredFrom[entry.partition] = Math.max(this.coveredFrom[entry.partition] ?? 0, entry.offset + 1);
  }
}
