import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { type Measurement, runConcurrently, summarize } from './stats';

const DOCUMENT_COMMANDS = ['find', 'insert', 'update', 'delete', 'findAndModify', 'getMore', 'count', 'aggregate'];

/**
 * Document commands the server has answered since it started (serverStatus
 * metrics, which MongoDB and FerretDB both keep). Server-wide: meaningful
 * when nothing but the scenario uses the server, as on the bench's own stack.
 */
export async function storeCommandCount(db: Db): Promise<number> {
  const status = await db.admin().command({ serverStatus: 1 });
  const commands = (status.metrics?.commands ?? {}) as Record<string, { total?: number | bigint }>;
  return DOCUMENT_COMMANDS.reduce((sum, name) => sum + Number(commands[name]?.total ?? 0), 0);
}

/**
 * The raw store baseline: single-document commands with nothing around them,
 * an insert and a read of it by `_id` in turn, `count` in all at `concurrency`,
 * on a collection of its own in `db`.
 */
export async function rawStoreBaseline(db: Db, count: number, concurrency: number): Promise<Measurement> {
  const collection = db.collection<{ _id: string; body: string }>(`bench_raw_${randomBytes(4).toString('hex')}`);
  const body = 'x'.repeat(1024);
  const latencies: number[] = [];
  const started = performance.now();
  await runConcurrently(count, concurrency, async (i) => {
    const start = performance.now();
    const _id = `doc-${Math.floor(i / 2)}`;
    if (i % 2 === 0) await collection.insertOne({ _id, body });
    else await collection.findOne({ _id });
    latencies.push(performance.now() - start);
  });
  const seconds = (performance.now() - started) / 1000;
  await collection.drop().catch(() => undefined);
  return summarize('raw store: insert / find by _id', latencies, seconds);
}
