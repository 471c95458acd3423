import { ConversationEvent, ConversationOpened, MessageAdded } from '@omni/contracts';
import { decodePosition } from '../domain/watch-position';
import { WatchHub, type WatchItem, type WatchSubscription } from './watch-hub';

let nextOffset: number[] = [];

function hub(options: Partial<ConstructorParameters<typeof WatchHub>[0]> = {}, partitions = 2): WatchHub {
  const created = new WatchHub({ bufferEvents: 100, maxLag: 50, maxStreamsPerTenant: 10, ...options });
  nextOffset = Array.from({ length: partitions }, () => 0);
  created.begin(nextOffset);
  return created;
}

function event(id: string, tenantId = 'acme', conversationId = 'conv_1', kind: 'opened' | 'added' = 'added') {
  const base = ConversationEvent.fromPartial({ id, tenantId, conversationId, customerId: `cus_${conversationId}` });
  const value: ConversationEvent = {
    ...base,
    kind:
      kind === 'opened'
        ? { $case: 'opened', value: ConversationOpened.fromPartial({ subject: 'Hello' }) }
        : { $case: 'messageAdded', value: MessageAdded.fromPartial({ messageId: `msg_${id}` }) },
  };
  return value;
}

/** Publishes like the consumer does: the next offset of the partition. */
function publish(target: WatchHub, value: ConversationEvent, partition = 0): void {
  const offset = nextOffset[partition] ?? 0;
  nextOffset[partition] = offset + 1;
  target.publish(partition, offset, value);
}

const IDLE = 10_000;

/** Reads items until `count` events arrived (checkpoints skipped); fails rather than hang. */
async function events(subscription: WatchSubscription, count: number): Promise<WatchItem[]> {
  const items: WatchItem[] = [];
  while (items.length < count) {
    const item = await subscription.next(IDLE);
    if (item.event) items.push(item);
  }
  return items;
}

const ids = (items: WatchItem[]) => items.map((item) => item.event?.id);

describe('WatchHub', () => {
  it('opens with a checkpoint, then streams the tenant its own events only', async () => {
    const target = hub();
    const subscription = target.subscribe({ tenantId: 'acme' });
    const first = await subscription.next(IDLE);
    expect(first.event).toBeUndefined();
    expect(decodePosition(first.position, 'p')).toEqual([0, 0]);
    publish(target, event('e1'));
    publish(target, event('x1', 'globex'), 1);
    publish(target, event('e2'), 1);
    const got = await events(subscription, 2);
    expect(ids(got)).toEqual(['e1', 'e2']);
    // Each position is past the event and everything before it, the other tenant's included.
    expect(decodePosition(got[1]?.position ?? '', 'p')).toEqual([1, 2]);
    subscription.close();
  });

  it('narrows by conversation, customer and kind', async () => {
    const target = hub();
    const byConversation = target.subscribe({ tenantId: 'acme', conversationId: 'conv_2' });
    const byCustomer = target.subscribe({ tenantId: 'acme', customerId: 'cus_conv_3' });
    const byKind = target.subscribe({ tenantId: 'acme', kinds: new Set(['opened'] as const) });
    publish(target, event('a', 'acme', 'conv_1', 'opened'));
    publish(target, event('b', 'acme', 'conv_2'));
    publish(target, event('c', 'acme', 'conv_3'));
    publish(target, event('d', 'acme', 'conv_3', 'opened'));
    expect(ids(await events(byConversation, 1))).toEqual(['b']);
    expect(ids(await events(byCustomer, 2))).toEqual(['c', 'd']);
    expect(ids(await events(byKind, 2))).toEqual(['a', 'd']);
  });

  it('resumes after a position with exactly the missed events, then live ones', async () => {
    const target = hub();
    const first = target.subscribe({ tenantId: 'acme' });
    publish(target, event('e1'));
    publish(target, event('e2'), 1);
    const [, second] = await events(first, 2);
    first.close();
    publish(target, event('e3'));
    publish(target, event('x', 'globex'), 1);
    publish(target, event('e4'), 1);

    const resumed = target.subscribe({ tenantId: 'acme' }, decodePosition(second?.position ?? '', 'p'));
    const checkpoint = await resumed.next(IDLE);
    expect(checkpoint).toEqual({ position: second?.position });
    expect(ids(await events(resumed, 2))).toEqual(['e3', 'e4']);
    publish(target, event('e5'));
    expect(ids(await events(resumed, 1))).toEqual(['e5']);
  });

  it('resumes a position from a replica that read the partitions in another order', async () => {
    const target = hub();
    // This replica read p1:0 before p0:0; the other handed out [1, 0] (after p0:0, before p1:0).
    target.publish(1, 0, event('b'));
    target.publish(0, 0, event('a'));
    target.publish(0, 1, event('c'));
    const resumed = target.subscribe({ tenantId: 'acme' }, [1, 0]);
    expect(ids(await events(resumed, 2))).toEqual(['b', 'c']);
  });

  it('refuses a position whose events were evicted', () => {
    const target = hub({ bufferEvents: 10, maxLag: 5 });
    for (let i = 0; i < 11; i++) publish(target, event(`e${i}`));
    expect(() => target.subscribe({ tenantId: 'acme' }, [0, 0])).toThrow(
      expect.objectContaining({ kind: 'failed_precondition' }),
    );
    // One past the evicted event is still whole.
    expect(() => target.subscribe({ tenantId: 'acme' }, [1, 0]).close()).not.toThrow();
  });

  it('delivers an event re-emitted under a new offset once', async () => {
    const target = hub();
    const subscription = target.subscribe({ tenantId: 'acme' });
    publish(target, event('e1'));
    publish(target, event('e1'), 1);
    publish(target, event('e2'));
    expect(ids(await events(subscription, 2))).toEqual(['e1', 'e2']);
  });

  it('caps concurrent streams per tenant and frees a slot when one closes', () => {
    const target = hub({ maxStreamsPerTenant: 2 });
    const first = target.subscribe({ tenantId: 'acme' });
    target.subscribe({ tenantId: 'acme' });
    expect(() => target.subscribe({ tenantId: 'acme' })).toThrow(
      expect.objectContaining({ kind: 'resource_exhausted' }),
    );
    expect(() => target.subscribe({ tenantId: 'globex' })).not.toThrow();
    first.close();
    expect(() => target.subscribe({ tenantId: 'acme' })).not.toThrow();
  });

  it('cuts a stream that falls too far behind, with its last position still resumable', async () => {
    const target = hub({ bufferEvents: 100, maxLag: 5, maxStreamsPerTenant: 1 });
    const slow = target.subscribe({ tenantId: 'acme' });
    publish(target, event('e0'));
    const [last] = await events(slow, 1);
    // The client stops reading (its transport is full): nobody calls next().
    for (let i = 1; i <= 6; i++) publish(target, event(`e${i}`));
    expect(slow.signal.aborted).toBe(true);
    await expect(slow.next(IDLE)).rejects.toMatchObject({ kind: 'resource_exhausted' });
    // Its slot is free again, and the missed events are there for the resume.
    const resumed = target.subscribe({ tenantId: 'acme' }, decodePosition(last?.position ?? '', 'p'));
    expect(ids(await events(resumed, 6))).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('never counts a waiting stream as behind, however much other traffic passes', async () => {
    const target = hub({ bufferEvents: 10, maxLag: 3 });
    const quiet = target.subscribe({ tenantId: 'acme' });
    await quiet.next(IDLE);
    const pending = quiet.next(IDLE);
    for (let i = 0; i < 25; i++) publish(target, event(`x${i}`, 'globex'));
    publish(target, event('mine'));
    expect((await pending).event?.id).toBe('mine');
  });

  it('sends a checkpoint when idle, past the traffic it did not want', async () => {
    const target = hub();
    const quiet = target.subscribe({ tenantId: 'acme' });
    await quiet.next(IDLE);
    publish(target, event('x', 'globex'), 1);
    const checkpoint = await quiet.next(20);
    expect(checkpoint.event).toBeUndefined();
    expect(decodePosition(checkpoint.position, 'p')).toEqual([0, 1]);
  });

  it('tells its observer why streams end and requests are refused', async () => {
    const seen: string[] = [];
    const target = hub({
      bufferEvents: 10,
      maxLag: 2,
      maxStreamsPerTenant: 2,
      observer: {
        streamEnded: (reason) => seen.push(`ended ${reason}`),
        refused: (reason) => seen.push(`refused ${reason}`),
      },
    });
    const slow = target.subscribe({ tenantId: 'acme' });
    target.subscribe({ tenantId: 'acme' }).close();
    target.subscribe({ tenantId: 'acme' });
    expect(() => target.subscribe({ tenantId: 'acme' })).toThrow();
    for (let i = 0; i < 11; i++) publish(target, event(`e${i}`));
    expect(() => target.subscribe({ tenantId: 'globex' }, [0, 0])).toThrow();
    target.close();
    expect(slow.signal.aborted).toBe(true);
    expect(seen).toEqual([
      'ended closed',
      'refused stream_cap',
      'ended fell_behind',
      'ended fell_behind',
      'refused gap',
    ]);
    expect(target.bufferedEvents).toBe(10);
  });

  it('ends every stream with UNAVAILABLE on close and refuses new ones', async () => {
    const target = hub();
    const subscription = target.subscribe({ tenantId: 'acme' });
    await subscription.next(IDLE);
    const pending = subscription.next(IDLE);
    target.close();
    await expect(pending).rejects.toMatchObject({ kind: 'unavailable' });
    expect(target.openStreams).toBe(0);
    expect(() => target.subscribe({ tenantId: 'acme' })).toThrow(expect.objectContaining({ kind: 'unavailable' }));
  });
});
