import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kafkaCdsArchive, kafkaService } from './kafka-process';
import { withLock } from './lock';
import { findFreePorts } from './ports';
import { elapsed, type LogFn } from './progress';
import { supervisedHandle } from './service-handle';

/**
 * Records a JVM class-data-sharing archive by starting and stopping a throwaway broker once,
 * so every later Kafka start (and storage format) skips most class loading. Purely an
 * optimisation: any failure leaves a marker and Kafka simply runs without the archive.
 */
export async function ensureKafkaCds(libsDir: string, log: LogFn): Promise<void> {
  const archive = kafkaCdsArchive(libsDir);
  const unavailable = `${archive}.unavailable`;
  if (fs.existsSync(archive) || fs.existsSync(unavailable)) return;
  await withLock(`${archive}.lock`, log, async () => {
    if (fs.existsSync(archive) || fs.existsSync(unavailable)) return;
    const started = Date.now();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-dev-stack-cds-'));
    const dump = `${archive}.tmp-${process.pid}`;
    try {
      log('recording a class-data-sharing archive for faster Kafka starts (once, a few seconds)...');
      const [port, controllerPort] = await findFreePorts(2);
      const broker = supervisedHandle(
        kafkaService({ libsDir, dir: work, port, controllerPort, extraJvmArgs: [`-XX:ArchiveClassesAtExit=${dump}`] }),
      );
      try {
        await broker.start();
      } finally {
        await broker.stop(); // the JVM writes the archive as it exits
      }
      if (!fs.existsSync(dump)) throw new Error('the JVM wrote no archive');
      fs.renameSync(dump, archive);
      log(`Kafka CDS archive ready (${elapsed(started)})`);
    } catch (err) {
      fs.writeFileSync(unavailable, `${err instanceof Error ? err.message : String(err)}\n`);
      log(
        `Kafka will start without a CDS archive (${unavailable}): ${err instanceof Error ? err.message.split('\n')[0] : err}`,
      );
    } finally {
      fs.rmSync(dump, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
}
