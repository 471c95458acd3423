#!/usr/bin/env node
import { devStackStatus, ensureDevStack, stopDevStack } from './dev-stack';
import { stderrLog } from './progress';

const USAGE = `usage: node packages/dev-stack/dist/cli.js <up|down|status> [--fresh] [--name=<stack>]

  up      start the persistent local stack (Kafka + FerretDB) if it is not running; prints
          KAFKA_BROKERS=... and MONGODB_URI=... on stdout (progress goes to stderr)
  down    stop it (SIGTERM, then SIGKILL after 15 s)
  status  exit 0 if up, 3 if not

env: OMNI_STACK_KAFKA_PORT (19092), OMNI_STACK_KAFKA_CONTROLLER_PORT (19093), OMNI_STACK_MONGO_PORT (27117)`;

async function main(argv: string[]): Promise<number> {
  const command = argv.find((a) => !a.startsWith('-'));
  const fresh = argv.includes('--fresh');
  const name = argv.find((a) => a.startsWith('--name='))?.slice('--name='.length) || undefined;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  switch (command) {
    case 'up': {
      const info = await ensureDevStack({ name, fresh });
      stderrLog(info.alreadyRunning ? `dev stack "${info.name}" is already running` : `dev stack "${info.name}" is up`);
      if (info.logFiles.kafka) stderrLog(`  kafka log:    ${info.logFiles.kafka}`);
      if (info.logFiles.mongo) stderrLog(`  ferretdb log: ${info.logFiles.mongo}`);
      process.stdout.write(`KAFKA_BROKERS=${info.kafkaBrokers}\nMONGODB_URI=${info.mongoUri}\n`);
      return 0;
    }
    case 'down': {
      const wasRunning = await stopDevStack({ name });
      stderrLog(wasRunning ? 'dev stack stopped' : 'dev stack was not running');
      return 0;
    }
    case 'status': {
      const s = devStackStatus({ name });
      process.stdout.write(`${s.name}: ${s.running ? 'running' : 'not running'} (state: ${s.stateDir})\n`);
      for (const [label, svc] of [
        ['kafka', s.kafka],
        ['mongo', s.mongo],
        ['postgres', s.postgres],
      ] as const) {
        if (!svc) continue;
        const how = svc.external ? 'external' : `${svc.running ? 'up' : 'down'}, pid ${svc.pid}, log ${svc.logFile}`;
        process.stdout.write(`  ${label}: ${svc.address} (${how})\n`);
      }
      if (s.running) process.stdout.write(`KAFKA_BROKERS=${s.kafka?.address}\nMONGODB_URI=${s.mongo?.address}\n`);
      return s.running ? 0 : 3;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dev-stack: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
