import type { Logger } from '@omni/logging';
import {
  type Collection,
  type Db,
  type Document,
  type Filter,
  type IndexDescription,
  MongoClient,
  type UpdateFilter,
} from 'mongodb';
import { type ConditionalUpdateResult, updateWhere } from './conditional-update';

/** A field name no document has, looked for in the server's query plan. */
const PUSHDOWN_PROBE = 'omniPushdownProbe';

export interface StoreSettings {
  uri: string;
  dbName: string;
  appName: string;
  logger: Logger;
  /** How long an operation waits for a reachable server before failing (and being retried by the caller). */
  serverSelectionTimeoutMs?: number;
}

/** Indexes a service needs, by collection; created at start-up. */
export type IndexPlan = Record<string, IndexDescription[]>;

/**
 * The service's MongoDB connection. Code written against it keeps to the
 * subset that FerretDB v1 and MongoDB 7 share (see docs/architecture.md):
 * single-document atomic updates and unique keys, no transactions.
 */
export class Store {
  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** A store whose connection opens on first use, so a service can start while MongoDB is still down. */
  static create(settings: StoreSettings): Store {
    const client = new MongoClient(settings.uri, {
      appName: settings.appName,
      serverSelectionTimeoutMS: settings.serverSelectionTimeoutMs ?? 5_000,
      connectTimeoutMS: 5_000,
      maxPoolSize: 50,
    });
    return new Store(client, client.db(settings.dbName), settings.logger);
  }

  static async connect(settings: StoreSettings): Promise<Store> {
    const store = Store.create(settings);
    await store.client.connect();
    return store;
  }

  collection<T extends Document>(name: string) {
    return this.db.collection<T>(name);
  }

  private ferretDb?: Promise<boolean>;

  /** Whether the server is FerretDB (its buildInfo says so), asked once. */
  isFerretDb(): Promise<boolean> {
    this.ferretDb ??= this.db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string');
    // A failed probe (server down) is asked again next time.
    this.ferretDb.catch(() => {
      this.ferretDb = undefined;
    });
    return this.ferretDb;
  }

  /** Updates document `id` of `collection` if it meets `condition`; see `updateWhere`. */
  async updateWhere<T extends Document & { _id: string }>(
    collection: Collection<T>,
    id: string,
    condition: Filter<T>,
    update: UpdateFilter<T>,
  ): Promise<ConditionalUpdateResult> {
    return updateWhere(collection, id, condition, update, !(await this.filtersPushedDown(collection)));
  }

  private pushdown?: Promise<boolean | undefined>;

  /**
   * Whether the server applies a filter's conditions on fields other than `_id` in its own
   * storage, so a filter holding `_id` reads one document: MongoDB, and FerretDB on PostgreSQL
   * (which hands every condition to PostgreSQL). FerretDB on SQLite hands on `_id` alone and
   * scans the collection for anything more. Asked once through `explain` on `collection`;
   * an answer that cannot tell (the collection does not exist yet) is asked again next time.
   */
  async filtersPushedDown(collection: Pick<Collection, 'collectionName'>): Promise<boolean> {
    if (!(await this.isFerretDb())) return true;
    this.pushdown ??= this.db
      .command({ explain: { find: collection.collectionName, filter: { _id: '', [PUSHDOWN_PROBE]: 1 } } })
      .then((explained) => {
        const plan = explained.queryPlanner as Record<string, unknown> | undefined;
        if (!plan || Object.keys(plan).length === 0) return undefined;
        return JSON.stringify(plan).includes(PUSHDOWN_PROBE);
      });
    const answer = await this.pushdown.catch(() => undefined);
    if (answer === undefined) this.pushdown = undefined;
    return answer ?? false;
  }

  /**
   * One index per command: FerretDB v1 drops the connection when one
   * createIndexes command lists two or more indexes that already exist, which
   * would hang every second start of a service.
   */
  async ensureIndexes(plan: IndexPlan): Promise<void> {
    for (const [collection, indexes] of Object.entries(plan)) {
      for (const index of indexes) {
        await this.db.collection(collection).createIndexes([index]);
      }
      this.logger.debug({ collection, indexes: indexes.map((i) => i.name ?? i.key) }, 'indexes ensured');
    }
  }

  /** Readiness: the server answers a ping. */
  async checkReady(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
