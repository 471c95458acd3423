#!/usr/bin/env node
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureDemoChannelsConfig } from './demo-channels';
import { ensureDevStack } from './dev-stack';
import { stderrLog } from './progress';

/** Local ports of `npm start`; each can be moved with its env variable. */
const SERVICES = [
  { name: 'conversation', env: { HTTP_PORT: 8080, GRPC_PORT: 9090 } },
  { name: 'routing', env: { HTTP_PORT: 8081, GRPC_PORT: 9091 } },
  { name: 'ingest-email', env: { HTTP_PORT: 8082 } },
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
