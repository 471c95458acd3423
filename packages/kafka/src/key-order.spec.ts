import type { ConsumedEvent } from './event-consumer';
import { inKeyOrder } from './key-order';

function event(key: string, offset: number): ConsumedEvent<string> {
  return { key, offset: String(offset), value: `${key}${offset}` } as ConsumedEvent<string>;
}

/** Resolves when `release` is called: lets a test hold one key's handler open. */
function gate() {
  let release = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
}

describe('inKeyOrder', () => {
  it('keeps the offset order within a key while other keys go ahead', async () => {
    const events = [event('a', 0), event('b', 1), event('a', 2), event('c', 3), event('b', 4)];
    const held = gate();
    const done: string[] = [];
    const run = inKeyOrder(events, 4, async (e) => {
      if (e.value === 'a0') await held.opened;
      done.push(e.value);
    });
    // b and c finish while a's first event is still held.
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual(['b1', 'c3', 'b4']);
    held.release();
    await run;
    expect(done).toEqual(['b1', 'c3', 'b4', 'a0', 'a2']);
  });

  it('never runs more keys at once than its concurrency', async () => {
    let running = 0;
    let most = 0;
    const events = Array.from({ length: 20 }, (_, i) => event(`k${i % 7}`, i));
    await inKeyOrder(events, 3, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    });
    expect(most).toBe(3);
  });

  it('stops a failed key, finishes the others, then throws the failure', async () => {
    const done: string[] = [];
    const run = inKeyOrder([event('a', 0), event('b', 1), event('a', 2), event('b', 3)], 2, async (e) => {
      if (e.value === 'a0') throw new Error('store down');
      done.push(e.value);
    });
    await expect(run).rejects.toThrow('store down');
    expect(done).toEqual(['b1', 'b3']);
  });
});
