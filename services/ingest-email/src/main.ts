import { runMain } from '@omni/runtime';
import { startIngestEmail } from './service';

runMain('ingest-email', async () => {
  const service = await startIngestEmail(process.env, { handleSignals: true });
  service.runtime.handleSignals();
});
