import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The .proto sources of the contracts (copied from proto/ by the generate
 * step), for gRPC server reflection: grpcurl then needs no local copy.
 */
export function protoSources(): { includeDirs: string[]; files: string[] } {
  const root = join(__dirname, '..', 'proto');
  const files = readdirSync(join(root, 'omni', 'v1'))
    .filter((name) => name.endsWith('.proto'))
    .map((name) => `omni/v1/${name}`);
  return { includeDirs: [root], files };
}
