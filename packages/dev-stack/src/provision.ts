import { defaultCacheDir } from './paths';
import { type LogFn, stderrLog } from './progress';
import { provisionFerretdb } from './provision-ferretdb';
import { provisionKafka } from './provision-kafka';

export interface ProvisionOptions {
  cacheDir?: string;
  log?: LogFn;
}

export interface ProvisionedArtifacts {
  kafkaLibs: string;
  ferretdb: string;
}

/** Idempotent and cached: a warm call only checks that the artifacts exist. */
export async function provision(opts: ProvisionOptions = {}): Promise<ProvisionedArtifacts> {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const log = opts.log ?? stderrLog;
  // mvn is mostly network-bound and go build CPU-bound, so they overlap well.
  const [kafkaLibs, ferretdb] = await Promise.all([provisionKafka(cacheDir, log), provisionFerretdb(cacheDir, log)]);
  return { kafkaLibs, ferretdb };
}
