import { createTestLogger, createTestScope } from '@omni/testing';
import type { CommandStartedEvent } from 'mongodb';
import { Store } from '../src';

interface Doc {
  _id: string;
  tenantId: string;
  applied: string[];
}

const scope = createTestScope('store-pushdown');
let store: Store;
const commands: string[] = [];

beforeAll(async () => {
  store = Store.create({ uri: scope.mongoUri, dbName: scope.dbName, appName: 'test', logger: createTestLogger() });
  store.client.options.monitorCommands = true;
  await store.client.connect();
  store.client.on('commandStarted', (event: CommandStartedEvent) => commands.push(event.commandName));
});

afterAll(async () => {
  await store.db.dropDatabase();
  await store.client.close();
});

/** What the server's plan for a filter on `_id` and `tenantId` shows: is `tenantId` applied in storage? */
async function planFiltersTenant(collection: string): Promise<boolean> {
  const explained = await store.db.command({ explain: { find: collection, filter: { _id: 'x', tenantId: 'acme' } } });
  return JSON.stringify(explained.queryPlanner ?? {}).includes('tenantId');
}

test("a conditional update reads first only where the server's filters scan", async () => {
  const docs = store.collection<Doc>('docs');
  const ferretDb = await store.isFerretDb();
  // No collection yet: FerretDB's plan is empty, so it cannot tell, and assumes the scan.
  expect(await store.filtersPushedDown(store.collection('not-created'))).toBe(!ferretDb);

  await docs.insertOne({ _id: 'd1', tenantId: 'acme', applied: [] });
  const pushedDown = await store.filtersPushedDown(docs);
  // MongoDB always; FerretDB on PostgreSQL yes, on SQLite no: as the server's own plan says.
  expect(pushedDown).toBe(ferretDb ? await planFiltersTenant('docs') : true);

  commands.length = 0;
  const result = await store.updateWhere(
    docs,
    'd1',
    { tenantId: 'acme', applied: { $ne: 'm1' } },
    { $push: { applied: 'm1' } },
  );
  expect(result).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect(commands).toEqual(pushedDown ? ['update'] : ['find', 'update']);
  expect(await docs.findOne({ _id: 'd1' })).toMatchObject({ applied: ['m1'] });
});
