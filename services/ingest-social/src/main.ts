import { runMain } from '@omni/runtime';
import { startIngestSocial } from './service';

runMain('ingest-social', async () => {
  const service = await startIngestSocial(process.env);
  service.runtime.handleSignals();
});
