import { join } from 'node:path';
import { serveChild } from './child-targets';

/**
 * One of the project's services, as `npm start` runs it, in a process of its own: the
 * service named by BENCH_SERVICE, started from its compiled entry point with the bench's
 * environment. It reports `{ ports }` once it listens.
 */
export interface Started {
  stop(): Promise<void>;
  httpPort: number;
  grpcPort?: number;
  smtpPort?: number;
}
const root = join(__dirname, '..', '..');
const entries: Record<string, () => (env: NodeJS.ProcessEnv) => Promise<Started>> = {
  conversation: () => require(join(root, 'services/conversation/dist/service.js')).startConversation,
  'ingest-email': () => require(join(root, 'services/ingest-email/dist/service.js')).startIngestEmail,
  'ingest-social': () => require(join(root, 'services/ingest-social/dist/service.js')).startIngestSocial,
};

/** Starts a service by its directory name under services/. */
export function startService(name: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const entry = entries[name];
  if (!entry) throw new Error(`no bench entry for service "${name}"`);
  return entry()(env);
}

if (require.main === module) {
  serveChild('ports', async (env) => {
    const service = await startService(process.env.BENCH_SERVICE ?? '', env);
    const { httpPort, grpcPort, smtpPort } = service;
    return { ready: { http: httpPort, grpc: grpcPort, smtp: smtpPort }, stop: () => service.stop() };
  });
}
