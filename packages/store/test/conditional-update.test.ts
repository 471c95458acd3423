import { createTestScope } from '@omni/testing';
import { type Collection, MongoClient } from 'mongodb';
import { updateWhere } from '../src';

interface Doc {
  _id: string;
  tenantId: string;
  state: string;
  applied: string[];
  count: number;
}

const scope = createTestScope('store-conditional');
let client: MongoClient;
let docs: Collection<Doc>;

beforeAll(async () => {
  client = await MongoClient.connect(scope.mongoUri);
  docs = client.db(scope.dbName).collection<Doc>('docs');
});

afterAll(async () => {
  await client.db(scope.dbName).dropDatabase();
  await client.close();
});

// Both ways must mean the same: the one-filter update (MongoDB) and the read-then-write (FerretDB).
describe.each([
  ['in one filtered update', false],
  ['read by _id, condition checked, written by _id', true],
])('updateWhere %s', (_label, readFirst) => {
  const id = `doc-${readFirst}`;
  const countOnce = (messageId: string) =>
    updateWhere(
      docs,
      id,
      { tenantId: 'acme', state: { $ne: 'closed' }, applied: { $ne: messageId } },
      { $inc: { count: 1 }, $push: { applied: messageId } },
      readFirst,
    );

  beforeAll(async () => {
    await docs.insertOne({ _id: id, tenantId: 'acme', state: 'open', applied: [], count: 0 });
  });

  it('updates a document that meets the condition, once', async () => {
    expect(await countOnce('m1')).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await countOnce('m1')).toEqual({ matchedCount: 0, modifiedCount: 0 });
    expect(await countOnce('m2')).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await docs.findOne({ _id: id })).toMatchObject({ count: 2, applied: ['m1', 'm2'] });
  });

  it('leaves a document that does not meet it, and a missing one, alone', async () => {
    await docs.updateOne({ _id: id }, { $set: { state: 'closed' } });
    expect(await countOnce('m3')).toEqual({ matchedCount: 0, modifiedCount: 0 });
    const otherTenant = await updateWhere(docs, id, { tenantId: 'other' }, { $set: { state: 'open' } }, readFirst);
    expect(otherTenant.matchedCount).toBe(0);
    expect(await updateWhere(docs, 'missing', {}, { $set: { state: 'x' } }, readFirst)).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
    });
    expect(await docs.findOne({ _id: id })).toMatchObject({ state: 'closed', count: 2 });
  });
});
