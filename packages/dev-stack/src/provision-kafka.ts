import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKafkaCds } from './kafka-cds';
import { withLock } from './lock';
import { KAFKA_VERSION, kafkaLibsDir } from './paths';
import { elapsed, type LogFn } from './progress';
import { runCommand } from './run-command';

// slf4j 1.7.36 + reload4j 1.2.25 are the logging jars the Kafka 3.9 distribution ships.
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>omni.dev-stack</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
`;

/** Resolves the Kafka broker jars from Maven Central into the cache; returns the libs dir. */
export async function provisionKafka(cacheDir: string, log: LogFn): Promise<string> {
  const libs = kafkaLibsDir(cacheDir);
  if (!fs.existsSync(libs)) await resolveJars(cacheDir, libs, log);
  await ensureKafkaCds(libs, log);
  return libs;
}

async function resolveJars(cacheDir: string, libs: string, log: LogFn): Promise<void> {
  const finalDir = path.dirname(libs);
  fs.mkdirSync(cacheDir, { recursive: true });
  await withLock(`${finalDir}.lock`, log, async () => {
    if (fs.existsSync(libs)) return;
    const tmp = fs.mkdtempSync(`${finalDir}.tmp-`);
    try {
      fs.writeFileSync(path.join(tmp, 'pom.xml'), POM);
      const started = Date.now();
      log(`provisioning Kafka ${KAFKA_VERSION}: mvn dependency:copy-dependencies (first run only, about a minute)...`);
      await runCommand('mvn', [
        '-q',
        '-B',
        '-f',
        path.join(tmp, 'pom.xml'),
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(tmp, 'libs')}`,
      ]).catch((err: Error) => {
        throw new Error(
          `${err.message}\n(Kafka provisioning needs Maven 3 and Java 17+ on PATH, and Maven Central reachable)`,
        );
      });
      if (!fs.existsSync(path.join(tmp, 'libs', `kafka_2.13-${KAFKA_VERSION}.jar`))) {
        throw new Error(`mvn finished but kafka_2.13-${KAFKA_VERSION}.jar is missing in ${tmp}/libs`);
      }
      // Rename is atomic: readers see either no dir or a complete one.
      fs.chmodSync(tmp, 0o755); // mkdtemp makes it 0700
      fs.renameSync(tmp, finalDir);
      log(`Kafka jars ready in ${libs} (${elapsed(started)})`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
