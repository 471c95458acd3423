import { runMain } from '@omni/runtime';
import { startRouting } from './service';

runMain('routing', async () => {
  const service = await startRouting(process.env);
  service.runtime.handleSignals();
});
