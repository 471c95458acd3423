import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { demoChannelsConfig, type RunningStack, startStack } from '@omni/dev-stack';
import { waitFor } from '@omni/testing';

/**
 * The four services as a user runs them: built, started as processes against a
 * stack of their own (so this file can stop Kafka and MongoDB under them).
 */
const SERVICES = ['ingest-email', 'ingest-social', 'conversation', 'routing'] as const;
const root = join(__dirname, '..');

interface RunningService {
  name: string;
  process: ChildProcess;
  httpPort: number;
  exit: Promise<number | null>;
  logs: Array<Record<string, unknown>>;
  stderr: string[];
}

let stack: RunningStack;
let workDir: string;
const services: RunningService[] = [];

function startService(name: string, env: Record<string, string>): Promise<RunningService> {
  const child = spawn(process.execPath, ['--require', '@omni/telemetry/register', `services/${name}/dist/main.js`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return reject(new Error(`${name} wrote a line that is not JSON: ${line}`));
      }
      logs.push(entry);
      if (entry.msg === 'http listening') {
        resolve({ name, process: child, httpPort: entry.port as number, exit, logs, stderr });
      }
    });
    void exit.then((code) => reject(new Error(`${name} exited with ${code} before listening: ${stderr.join('')}`)));
  });
}

async function readyz(
  service: RunningService,
): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`http://127.0.0.1:${service.httpPort}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { status: string; checks: Record<string, string> },
  };
}

beforeAll(async () => {
  stack = await startStack({ name: 'lifecycle', ignoreEnv: true });
  workDir = mkdtempSync(join(tmpdir(), 'omni-lifecycle-'));
  const channelsFile = join(workDir, 'channels.json');
  writeFileSync(channelsFile, JSON.stringify(demoChannelsConfig()));
  const env = {
    KAFKA_BROKERS: stack.kafkaBrokers,
    MONGODB_URI: stack.mongoUri,
    MONGODB_DB: 'lifecycle',
    KAFKA_TOPIC_PREFIX: 'lifecycle.',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    // Nothing is sent in this test; the relay is only dialled for an outbound mail.
    SMTP_RELAY_URL: 'smtp://127.0.0.1:2',
    CHANNELS_CONFIG_FILE: channelsFile,
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: '25000',
  };
  services.push(...(await Promise.all(SERVICES.map((name) => startService(name, env)))));
}, 180_000);

afterAll(async () => {
  for (const service of services) service.process.kill('SIGKILL');
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the four services against real Kafka and MongoDB', () => {
  it('answers /healthz at once and turns /readyz ready when Kafka and the store answer', async () => {
    for (const service of services) {
      const health = await fetch(`http://127.0.0.1:${service.httpPort}/healthz`);
      expect(health.status).toBe(200);
      const ready = await waitFor(
        `${service.name} ready`,
        async () => {
          const r = await readyz(service);
          return r.status === 200 ? r : undefined;
        },
        { timeoutMs: 60_000 },
      );
      expect(ready.body).toEqual({ status: 'ready', checks: { startup: 'ok', kafka: 'ok', store: 'ok' } });
    }
  });

  it('turns not ready, naming the dependency, when the stack stops, and ready again when it is back', async () => {
    await stack.stopKafka();
    await stack.stopMongo();
    for (const service of services) {
      const notReady = await waitFor(
        `${service.name} not ready`,
        async () => {
          const r = await readyz(service);
          // Thrown, so a timeout names what the service last answered.
          if (r.status !== 503) throw new Error(`${service.name} answered ${r.status} ${JSON.stringify(r.body)}`);
          return r;
        },
        { timeoutMs: 60_000 },
      );
      expect(notReady.body.status).toBe('not_ready');
      expect(notReady.body.checks.kafka).not.toBe('ok');
      expect(notReady.body.checks.store).not.toBe('ok');
      // Liveness is not readiness: the process is fine and must not be restarted.
      expect((await fetch(`http://127.0.0.1:${service.httpPort}/healthz`)).status).toBe(200);
    }
    await stack.startMongo();
    await stack.startKafka();
    for (const service of services) {
      await waitFor(`${service.name} ready again`, async () => (await readyz(service)).status === 200, {
        timeoutMs: 60_000,
      });
    }
  }, 180_000);

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`http://127.0.0.1:${services[0]?.httpPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/process_cpu_seconds_total\{service="ingest-email"\}/);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    for (const service of services) service.process.kill('SIGTERM');
    const codes = await Promise.all(services.map((service) => service.exit));
    // On failure, say which service and what it last logged, not only the codes.
    const report = services.map((service, i) =>
      codes[i] === 0
        ? `${service.name}: 0`
        : `${service.name}: ${codes[i]} ${service.stderr.join('').slice(-2000)} ${JSON.stringify(service.logs.slice(-8))}`,
    );
    expect(report).toEqual(services.map((service) => `${service.name}: 0`));
    for (const service of services) {
      expect(service.logs.map((entry) => entry.msg)).toEqual(
        expect.arrayContaining(['shutting down', 'shutdown complete']),
      );
    }
  });
});
