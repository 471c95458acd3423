import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '@omni/dev-stack';

export const ROOT = join(__dirname, '..', '..');

export interface BenchStack {
  brokers: string;
  mongoUri: string;
  dbName: string;
  /** The variables every service of the scenario starts with (fresh database and topic prefix). */
  env: NodeJS.ProcessEnv;
}

/**
 * Runs `scenario` against the dev stack (the one KAFKA_BROKERS / MONGODB_URI name, or a
 * fresh one), with services configured by `channels` in a database of their own.
 */
export async function withBenchStack(name: string, channels: unknown, scenario: (stack: BenchStack) => Promise<void>) {
  const stack = await startStack({ name: 'bench', log: (line) => process.stderr.write(`[dev-stack] ${line}\n`) });
  try {
    const channelsFile = join(mkdtempSync(join(tmpdir(), `omni-bench-${name}-`)), 'channels.json');
    writeFileSync(channelsFile, JSON.stringify(channels));
    const dbName = `bench_${name}_${Date.now()}`;
    const env = {
      ...process.env,
      KAFKA_BROKERS: stack.kafkaBrokers,
      MONGODB_URI: stack.mongoUri,
      MONGODB_DB: dbName,
      KAFKA_TOPIC_PREFIX: `${dbName}.`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '0',
      SMTP_RELAY_URL: 'smtp://127.0.0.1:2',
      CHANNELS_CONFIG_FILE: channelsFile,
      LOG_LEVEL: 'warn',
    };
    await scenario({ brokers: stack.kafkaBrokers, mongoUri: stack.mongoUri, dbName, env });
  } finally {
    await stack.stop();
  }
}

/** Writes a run's figures to bench/results/<name>-<time>.json and says where. */
export function writeResults(name: string, results: unknown): void {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results: ${file}\n`);
}

/** The bench's exit: 0 when it ran, 1 with the stack trace otherwise. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
