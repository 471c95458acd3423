import { baseEnv, loadChannelsConfig } from '@omni/config';
import { TopicPartitions, Topics } from '@omni/contracts';
import { runMain, ServiceRuntime } from '@omni/runtime';
import { z } from 'zod';

const env = baseEnv.extend({
  CHANNELS_CONFIG_FILE: z.string().min(1),
});

runMain('ingest-social', async () => {
  const runtime = ServiceRuntime.create({
    service: 'ingest-social',
    env,
    topics: [Topics.inbound, Topics.outbound, Topics.delivery].map((topic) => ({
      topic,
      numPartitions: TopicPartitions[topic],
    })),
  });
  const channels = loadChannelsConfig(runtime.config.CHANNELS_CONFIG_FILE);
  runtime.logger.info(
    { tenants: channels.tenants.length, inboxes: channels.tenants.flatMap((t) => t.inboxes.map((i) => i.id)) },
    'channels configured',
  );
  runtime.handleSignals();
  await runtime.start();
  runtime.serving();
});
