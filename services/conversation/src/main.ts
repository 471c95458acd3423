import { runMain } from '@omni/runtime';
import { startConversation } from './service';

runMain('conversation', async () => {
  const service = await startConversation(process.env);
  service.runtime.handleSignals();
});
