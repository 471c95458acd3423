import { join } from 'node:path';
import { serveChild } from './child-targets';

/**
 * One of the project's services, as `npm start` runs it, in a process of its own: the
 * service named by BENCH_SERVICE, started from its compiled entry point with the bench's
 * environment. It reports `{ ports }` once it listens.
 */
interface Started {
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

const name = process.env.BENCH_SERVICE ?? '';
const entry = entries[name];
if (!entry) {
  process.stderr.write(`bench service child: unknown BENCH_SERVICE "${name}"\n`);
  process.exit(2);
}
serveChild('ports', async (env) => {
  const service = await entry()(env);
  const { httpPort, grpcPort, smtpPort } = service;
  return { ready: { http: httpPort, grpc: grpcPort, smtp: smtpPort }, stop: () => service.stop() };
});
