import { Store } from '@omni/store';
import { createTestLogger, createTestScope } from '@omni/testing';

/**
 * A store on a database of this test file's own, connected before its tests and dropped after
 * them (call at the top of a describe). Returns a getter, as the store exists only once beforeAll ran.
 */
export function useScopedStore(label: string): () => Store {
  const scope = createTestScope(label);
  let store: Store | undefined;
  beforeAll(async () => {
    store = await Store.connect({
      uri: scope.mongoUri,
      dbName: scope.dbName,
      appName: 'test',
      logger: createTestLogger(),
    });
  });
  afterAll(async () => {
    await store?.db.dropDatabase();
    await store?.close();
  });
  return () => {
    if (!store) throw new Error('the scoped store is connected in beforeAll');
    return store;
  };
}
