import { startStack } from '@omni/dev-stack';

/**
 * Starts one dev stack for the whole jest run (or uses KAFKA_BROKERS and
 * MONGODB_URI when given) and hands its addresses to the test workers by env.
 */
export default async function globalSetup(): Promise<void> {
  const stack = await startStack({ name: 'test', log: (line) => process.stderr.write(`[dev-stack] ${line}\n`) });
  process.env.KAFKA_BROKERS = stack.kafkaBrokers;
  process.env.MONGODB_URI = stack.mongoUri;
  (globalThis as { __omniStack?: unknown }).__omniStack = stack;
}
