#!/usr/bin/env node
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';
import { ensureDemoChannelsConfig } from './demo-channels';
import { startDevMailSink } from './dev-mail-sink';
import { ensureDevStack } from './dev-stack';
import { stderrLog } from './progress';

/** Local ports of `npm start`; each can be moved with its env variable. */
const SERVICES = [
  { name: 'conversation', env: { HTTP_PORT: 8080, GRPC_PORT: 9090 } },
  { name: 'routing', env: { HTTP_PORT: 8081, GRPC_PORT: 9091 } },
  { name: 'ingest-email', env: { HTTP_PORT: 8082, SMTP_PORT: 2525 } },
  { name: 'ingest-social', env: { HTTP_PORT: 8083 } },
] as const;

const root = join(__dirname, '..', '..', '..');

function portsFor(name: string, defaults: Record<string, number>): Record<string, string> {
  const prefix = `OMNI_${name.toUpperCase().replace('-', '_')}_`;
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [key, process.env[`${prefix}${key}`] ?? String(value)]),
  );
}

function pipeWithPrefix(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WriteStream): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => out.write(`${prefix} ${line}\n`));
}

/**
 * Issues an admin key for the demo tenant once (through the conversation
 * service's CLI, which stores only its hash) and keeps it in a git-ignored file.
 */
async function ensureDemoApiKey(file: string, mongoUri: string): Promise<void> {
  const dbName = process.env.MONGODB_DB ?? 'omni';
  if (existsSync(file)) {
    // Still valid unless the stack was started afresh since: the store keeps only the key's sha256.
    const hash = createHash('sha256').update(readFileSync(file, 'utf8').trim()).digest('hex');
    const client = await MongoClient.connect(mongoUri);
    try {
      if (await client.db(dbName).collection<{ _id: string }>('api_keys').findOne({ _id: hash })) return;
    } finally {
      await client.close();
    }
  }
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'services', 'conversation', 'dist', 'cli', 'issue-api-key.js'),
      '--tenant',
      'demo',
      '--role',
      'admin',
      '--name',
      'npm start',
    ],
    { env: { ...process.env, MONGODB_URI: mongoUri, MONGODB_DB: dbName }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`could not issue the demo API key: ${result.stderr}`);
  const key = result.stdout.trim();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
}

/**
 * `npm start`: the local stack (Kafka + FerretDB, started once and kept), the
 * demo channels config, and all four services in the foreground. Ctrl-C stops
 * the services gracefully; `npm run stack -- down` stops the stack.
 */
async function main(): Promise<void> {
  const stack = await ensureDevStack({});
  const channels = ensureDemoChannelsConfig(process.env.CHANNELS_CONFIG_FILE ?? join(root, '.omni', 'channels.json'));
  stderrLog(
    `${channels.created ? 'wrote' : 'using'} demo channels config ${channels.path} (local secrets, not in git)`,
  );

  await ensureDemoApiKey(join(root, '.omni', 'demo-api-key'), stack.mongoUri);
  stderrLog(`demo tenant admin API key in .omni/demo-api-key: export OMNI_API_KEY=$(cat .omni/demo-api-key)`);

  const sentMail = join(root, '.omni', 'sent-mail');
  const sink = await startDevMailSink(sentMail, Number(process.env.OMNI_DEV_RELAY_PORT ?? 2526));
  stderrLog(`outbound mail goes to the dev relay on 127.0.0.1:${sink.port}, written to ${sentMail}`);

  const children: ChildProcess[] = [];
  let stopping = false;
  for (const service of SERVICES) {
    const ports = portsFor(service.name, service.env);
    const child = spawn(
      process.execPath,
      ['--require', '@omni/telemetry/register', join('services', service.name, 'dist', 'main.js')],
      {
        cwd: root,
        env: {
          ...process.env,
          KAFKA_BROKERS: stack.kafkaBrokers,
          MONGODB_URI: stack.mongoUri,
          CHANNELS_CONFIG_FILE: channels.path,
          HTTP_HOST: process.env.HTTP_HOST ?? '127.0.0.1',
          GRPC_HOST: process.env.GRPC_HOST ?? '127.0.0.1',
          SMTP_HOST: process.env.SMTP_HOST ?? '127.0.0.1',
          SMTP_RELAY_URL: process.env.SMTP_RELAY_URL ?? `smtp://127.0.0.1:${sink.port}`,
          ...ports,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const prefix = `[${service.name}]`.padEnd(16);
    pipeWithPrefix(child.stdout, prefix, process.stdout);
    pipeWithPrefix(child.stderr, prefix, process.stderr);
    child.once('exit', (code, signal) => {
      stderrLog(`${service.name} exited (${signal ?? code})`);
      if (!stopping) void stopAll(1);
    });
    children.push(child);
    stderrLog(
      `${service.name}: ${Object.entries(ports)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  }

  async function stopAll(exitCode: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    stderrLog('stopping services (the dev stack keeps running; `npm run stack -- down` stops it)');
    const exits = children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(exits);
    process.exit(exitCode);
  }

  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
}

main().catch((error: unknown) => {
  stderrLog(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
