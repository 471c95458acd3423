import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The .proto sources of the contracts (copied from proto/ by the generate
 * step), for gRPC server reflection: grpcurl then needs no local copy. Pass the
 * files of the services a server serves, e.g. `['omni/v1/conversation_service.proto']`.
 */
export function protoSources(only?: readonly string[]): { includeDirs: string[]; files: string[] } {
  const root = join(__dirname, '..', 'proto');
  const all = readdirSync(join(root, 'omni', 'v1'))
    .filter((name) => name.endsWith('.proto'))
    .map((name) => `omni/v1/${name}`);
  // A server lists only the services it serves; their imports come along.
  const files = only ? all.filter((file) => only.includes(file)) : all;
  return { includeDirs: [root], files };
}
