import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LOOPBACK } from './ports';
import { runCommand } from './run-command';
import type { LocalService } from './service';

export interface KafkaInstance {
  libsDir: string;
  /** Config, data and log of this broker live here. */
  dir: string;
  port: number;
  controllerPort: number;
  readyTimeoutMs?: number;
  /** Replaces the CDS flags of the broker JVM (used to record the archive). */
  extraJvmArgs?: string[];
}

/** JAVA_HOME wins over PATH, as in Kafka's own scripts. */
function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Class-data-sharing archive recorded once per cache (see kafka-cds.ts); it sits beside libs/. */
export function kafkaCdsArchive(libsDir: string): string {
  return path.join(path.dirname(libsDir), 'kafka.jsa');
}

// Small heap and C1-only JIT: a dev broker on a 2-core machine should start fast and stay lean.
const JVM_OPTS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

function serverProperties(k: KafkaInstance, dataDir: string): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${LOOPBACK}:${k.controllerPort}`,
    `listeners=PLAINTEXT://${LOOPBACK}:${k.port},CONTROLLER://${LOOPBACK}:${k.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${LOOPBACK}:${k.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Single broker: every internal topic must fit on one replica.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // Consumers in tests must join immediately, not after the 3 s production default.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'num.partitions=3',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'background.threads=2',
  ].join('\n')}\n`;
}

function log4jProperties(logFile: string): string {
  return `${[
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile.replace(/\\/g, '\\\\')}`,
    'log4j.appender.file.Append=true',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Per-request and state-change chatter drowns the lines that explain failures.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.log.LogCleaner=WARN',
  ].join('\n')}\n`;
}

/** Kafka's cluster id format: 16 random bytes, URL-safe base64 without padding. */
function newClusterId(): string {
  // Like Kafka's own Uuid.randomUuid(): an id starting with "-" would be parsed as a CLI flag.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Probe through the real protocol: admin metadata answers only once the broker is serving. */
export async function probeKafka(brokers: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'omni-dev-stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers registered yet');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Combined broker+controller KRaft node on loopback, logging to <dir>/kafka.log. */
export function kafkaService(k: KafkaInstance): LocalService {
  const dataDir = path.join(k.dir, 'data');
  const propsFile = path.join(k.dir, 'server.properties');
  const log4jFile = path.join(k.dir, 'log4j.properties');
  const logFile = path.join(k.dir, 'kafka.log');
  const classpath = `${k.libsDir}${path.sep}*`;
  const archive = kafkaCdsArchive(k.libsDir);
  // Pre-parsed classes cut JVM startup by 1-2 s; a stale archive only costs a warning line.
  const cds = fs.existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
  const logging = [`-Dlog4j.configuration=file:${log4jFile}`, `-Dkafka.logs.dir=${k.dir}`, '-cp', classpath];
  const brokerJvm = [...JVM_OPTS, ...(k.extraJvmArgs ?? cds), ...logging];
  const toolJvm = [...JVM_OPTS, ...cds, ...logging];
  const brokers = `${LOOPBACK}:${k.port}`;
  return {
    kind: 'kafka',
    what: `Kafka on ${brokers}`,
    address: brokers,
    logFile,
    readyTimeoutMs: k.readyTimeoutMs ?? 90_000,
    spec: {
      name: 'kafka',
      command: javaBin(),
      args: [...brokerJvm, 'kafka.Kafka', propsFile],
      logFile,
      cwd: k.dir,
      // The properties path is unique per state dir, so it identifies this broker's JVM.
      marker: `kafka.Kafka ${propsFile}`,
    },
    async prepare() {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(propsFile, serverProperties(k, dataDir));
      fs.writeFileSync(log4jFile, log4jProperties(logFile));
      // KRaft storage must be formatted once; a restart keeps the data (and cluster id).
      if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
        await runCommand(javaBin(), [
          ...toolJvm,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          newClusterId(),
          '-c',
          propsFile,
          '--ignore-formatted',
        ]);
      }
    },
    probe: () => probeKafka(brokers),
  };
}
