import { useScopedStore } from './scoped-store';

/**
 * The store operations routing relies on, checked against the real store (FerretDB v1 in the dev stack).
 * Conditional updates of one document are not isolated there under concurrency (see the README), so
 * correctness rests on unique keys, which are.
 */
describe('store operators used by routing', () => {
  const scopedStore = useScopedStore('routing-ops');

  it('lets exactly one of many concurrent inserts take a slot or a conversation (the capacity claim)', async () => {
    const store = scopedStore();
    const slots = store.collection<{ _id: string; conversationKey: string }>('slots');
    await slots.createIndex({ conversationKey: 1 }, { unique: true, name: 'one_slot_per_conversation' });
    const sameSlot = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => slots.insertOne({ _id: 't:a:messaging:0', conversationKey: `t:c${i}` })),
    );
    const sameConversation = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        slots.insertOne({ _id: `t:a${i}:messaging:0`, conversationKey: 't:shared' }),
      ),
    );
    expect(sameSlot.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(sameConversation.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const releases = await Promise.all(
      Array.from({ length: 10 }, () => slots.deleteOne({ _id: 't:a:messaging:0', conversationKey: { $exists: true } })),
    );
    expect(releases.filter((r) => r.deletedCount === 1)).toHaveLength(1);
  });

  it('upserts with $setOnInsert through findOneAndUpdate, returning the document before', async () => {
    const store = scopedStore();
    const agents = store.collection<{ _id: string; name: string; presence?: string; version?: number }>('agents');
    const upsert = (name: string) =>
      agents.findOneAndUpdate(
        { _id: 'a' },
        { $set: { name }, $inc: { version: 1 }, $setOnInsert: { presence: 'offline' } },
        { upsert: true, returnDocument: 'before' },
      );
    expect(await upsert('first')).toBeNull();
    expect(await upsert('second')).toMatchObject({ name: 'first', presence: 'offline', version: 1 });
    expect(await agents.findOne({ _id: 'a' })).toMatchObject({ name: 'second', presence: 'offline', version: 2 });
  });

  it('keeps an outbox as a map with a counter, unsets entries by id, sorts on several keys', async () => {
    const store = scopedStore();
    type State = {
      _id: string;
      outbox: Record<string, { n: number }>;
      outboxCount: number;
      priority: number;
      due: Date;
    };
    const states = store.collection<State>('states');
    await states.insertMany([
      { _id: 's1', outbox: {}, outboxCount: 0, priority: 1, due: new Date(2000) },
      { _id: 's2', outbox: {}, outboxCount: 0, priority: 5, due: new Date(3000) },
      { _id: 's3', outbox: {}, outboxCount: 0, priority: 5, due: new Date(1000) },
    ]);
    await states.updateOne({ _id: 's1' }, { $set: { 'outbox.e1': { n: 1 } }, $inc: { outboxCount: 1 } });
    await states.updateOne({ _id: 's1' }, { $set: { 'outbox.e2': { n: 2 } }, $inc: { outboxCount: 1 } });
    const clear = () =>
      states.updateOne(
        { _id: 's1', 'outbox.e1': { $exists: true } },
        { $unset: { 'outbox.e1': '' }, $inc: { outboxCount: -1 } },
      );
    expect((await clear()).modifiedCount).toBe(1);
    expect((await clear()).modifiedCount).toBe(0);
    const s1 = await states.findOne({ _id: 's1' });
    expect(s1).toMatchObject({ outbox: { e2: { n: 2 } }, outboxCount: 1 });
    expect(Object.keys(s1?.outbox ?? {})).toEqual(['e2']);
    expect(await states.countDocuments({ outboxCount: { $gt: 0 } })).toBe(1);
    const order = await states.find({}).sort({ priority: -1, due: 1, _id: 1 }).toArray();
    expect(order.map((s) => s._id)).toEqual(['s3', 's2', 's1']);
  });
});
