import { EventRing } from './event-ring';

describe('EventRing', () => {
  it('holds entries in arrival order with the position after each', () => {
    const ring = new EventRing<string>(10, [0, 0]);
    ring.append(1, 0, 'a', 'A');
    ring.append(0, 0, 'b', 'B');
    ring.append(1, 1, 'c', 'C');
    expect([0, 1, 2].map((seq) => ring.at(seq)?.value)).toEqual(['A', 'B', 'C']);
    expect(ring.at(0)?.position).toEqual([0, 1]);
    expect(ring.at(1)?.position).toEqual([1, 1]);
    expect(ring.at(2)?.position).toEqual([1, 2]);
    expect(ring.position).toEqual([1, 2]);
  });

  it('drops an offset read before and an id it still holds, but moves past the duplicate', () => {
    const ring = new EventRing<string>(10, [0, 0]);
    expect(ring.append(0, 0, 'a', 'A')).toBeDefined();
    expect(ring.append(0, 0, 'a', 'A')).toBeUndefined();
    // A replay re-emitted the event under a new offset.
    expect(ring.append(0, 1, 'a', 'A again')).toBeUndefined();
    expect(ring.head).toBe(1);
    expect(ring.position).toEqual([2, 0]);
    expect(ring.append(0, 2, 'b', 'B')?.seq).toBe(1);
  });

  it('evicts the oldest beyond capacity and forgets its id', () => {
    const ring = new EventRing<string>(2, [0]);
    ring.append(0, 0, 'a', 'A');
    ring.append(0, 1, 'b', 'B');
    ring.append(0, 2, 'c', 'C');
    expect(ring.oldest).toBe(1);
    expect(ring.at(0)).toBeUndefined();
    expect(ring.at(1)?.value).toBe('B');
    // Out of the buffer, out of the dedupe window: a redelivery of 'a' is new again.
    expect(ring.append(0, 3, 'a', 'A')?.seq).toBe(3);
  });

  it('covers a position until an event after it is evicted', () => {
    const ring = new EventRing<string>(2, [5, 0]);
    expect(ring.covers([5, 0])).toBe(true);
    // Events before the ring's start were never held.
    expect(ring.covers([4, 0])).toBe(false);
    ring.append(0, 5, 'a', 'A');
    ring.append(1, 0, 'b', 'B');
    ring.append(1, 1, 'c', 'C');
    // p0:5 is evicted: a position still owing it can no longer be served; one past it can.
    expect(ring.covers([5, 0])).toBe(false);
    expect(ring.covers([6, 0])).toBe(true);
    // A position from a replica ahead of this one is covered: what it owes is still to come.
    expect(ring.covers([9, 9])).toBe(true);
  });

  it('vouches for a partition it was not told about only from its first event on', () => {
    const ring = new EventRing<string>(10, [0]);
    ring.append(1, 40, 'a', 'A');
    expect(ring.covers([0, 40])).toBe(true);
    expect(ring.covers([0, 39])).toBe(false);
  });
});
