import { createTestScope } from '@omni/testing';
import { type Collection, MongoClient } from 'mongodb';
import { isDuplicateKeyError } from '../src';

interface Doc {
  _id: string;
  key: string;
}

const scope = createTestScope('store-errors');
let client: MongoClient;
let docs: Collection<Doc>;

beforeAll(async () => {
  client = await MongoClient.connect(scope.mongoUri);
  docs = client.db(scope.dbName).collection<Doc>('docs');
  await docs.createIndex({ key: 1 }, { unique: true, name: 'key_unique' });
  await docs.insertMany([
    { _id: 'a', key: 'open:a' },
    { _id: 'b', key: 'open:b' },
  ]);
});

afterAll(async () => {
  await client.db(scope.dbName).dropDatabase();
  await client.close();
});

const refusal = (write: Promise<unknown>) => write.then(() => undefined).catch((error: unknown) => error);

// Each server words it its own way (MongoDB 11000; FerretDB's SQLite and PostgreSQL backends name the
// constraint on updates): callers such as "give this thread to that customer unless it has an open one" rely on it.
test('a write a unique index refuses is a duplicate-key error, for an insert and for an update', async () => {
  const onInsert = await refusal(docs.insertOne({ _id: 'c', key: 'open:a' }));
  const onUpdate = await refusal(docs.updateOne({ _id: 'b' }, { $set: { key: 'open:a' } }));
  expect([isDuplicateKeyError(onInsert), isDuplicateKeyError(onUpdate)]).toEqual([true, true]);
  expect(await docs.find({}).sort({ _id: 1 }).toArray()).toEqual([
    { _id: 'a', key: 'open:a' },
    { _id: 'b', key: 'open:b' },
  ]);
});

test('other server errors are not', async () => {
  const error = await refusal(docs.updateOne({ _id: 'a' }, { $inc: { key: 1 } } as never));
  expect(error).toBeInstanceOf(Error);
  expect(isDuplicateKeyError(error)).toBe(false);
});
