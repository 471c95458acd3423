import { spawn } from 'node:child_process';
import type { LogFn } from './progress';
import type { ServiceHandle } from './service-handle';

// Minimal shapes of the optional @testcontainers modules, so they need not be installed to compile.
interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface KafkaModule {
  KafkaContainer: new (image: string) => { withKraft(): { start(): Promise<StartedContainer> } };
}
interface MongoModule {
  MongoDBContainer: new (image: string) => { start(): Promise<StartedContainer & { getConnectionString(): string }> };
}

/** cp-kafka 7.9 ships Apache Kafka 3.9, matching the local broker. */
const KAFKA_IMAGE = process.env.OMNI_STACK_KAFKA_IMAGE || 'confluentinc/cp-kafka:7.9.1';
const MONGO_IMAGE = process.env.OMNI_STACK_MONGO_IMAGE || 'mongo:7.0';
const KAFKA_CONTAINER_PORT = 9093; // the module's host-facing PLAINTEXT listener

function loadOptional<T>(name: string): T | undefined {
  try {
    return require(name) as T;
  } catch {
    return undefined;
  }
}

/** True when a Docker engine answers within a couple of seconds. */
export function dockerEngineAnswers(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('docker', ['info'], { stdio: 'ignore' });
    } catch {
      return resolve(false);
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

export function testcontainersInstalled(): boolean {
  return loadOptional('@testcontainers/kafka') !== undefined && loadOptional('@testcontainers/mongodb') !== undefined;
}

/**
 * Containers keep their data only for their lifetime and get new host ports on restart, so
 * broker-down tests (stop/start) are supported on the local backend only.
 */
function containerHandle(label: string, address: string, container: StartedContainer): ServiceHandle {
  let stopped = false;
  return {
    source: 'docker',
    address,
    async start() {
      if (!stopped) return;
      throw new Error(
        `${label} runs in a testcontainer, which cannot be restarted on the same port; use OMNI_STACK_BACKEND=local for stop/start tests`,
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
  };
}

export async function startKafkaContainer(log: LogFn): Promise<ServiceHandle> {
  const mod = loadOptional<KafkaModule>('@testcontainers/kafka');
  if (!mod) throw new Error('@testcontainers/kafka is not installed');
  log(`starting Kafka container ${KAFKA_IMAGE}...`);
  const container = await new mod.KafkaContainer(KAFKA_IMAGE).withKraft().start();
  return containerHandle('Kafka', `${container.getHost()}:${container.getMappedPort(KAFKA_CONTAINER_PORT)}`, container);
}

export async function startMongoContainer(log: LogFn): Promise<ServiceHandle> {
  const mod = loadOptional<MongoModule>('@testcontainers/mongodb');
  if (!mod) throw new Error('@testcontainers/mongodb is not installed');
  log(`starting MongoDB container ${MONGO_IMAGE}...`);
  const container = await new mod.MongoDBContainer(MONGO_IMAGE).start();
  // The module starts a one-member replica set; direct connection avoids resolving its member name.
  return containerHandle(
    'MongoDB',
    `${container.getConnectionString()}/?directConnection=true&retryWrites=false`,
    container,
  );
}
