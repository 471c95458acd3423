import { GridFsBlobStore } from '@omni/blob-store';
import { loadChannelsConfig } from '@omni/config';
import { TopicPartitions, Topics } from '@omni/contracts';
import { ServiceRuntime } from '@omni/runtime';
import { BlobRawBodyStore } from './adapters/blob/raw-body.store';
import { PlatformMediaFetcher } from './adapters/http/media.fetcher';
import { mountMetaWebhooks } from './adapters/http/meta-webhooks.routes';
import { PlatformClient } from './adapters/http/platform.client';
import { mountTelegramWebhook } from './adapters/http/telegram-webhook.routes';
import { WebhookMetrics } from './adapters/http/webhook.metrics';
import { KafkaDeliveryPublisher } from './adapters/kafka/delivery.publisher';
import { KafkaInboundPublisher } from './adapters/kafka/inbound.publisher';
import { startOutboundConsumer } from './adapters/kafka/outbound.consumer';
import { SocialSendsRepository } from './adapters/mongo/social-sends.repository';
import { SocialWindowsRepository } from './adapters/mongo/social-windows.repository';
import { ingestSocialEnv } from './config';
import { InboxDirectory } from './domain/inbox-directory';
import { SocialIngest } from './domain/social-ingest';
import { SocialSender } from './domain/social-sender';

export interface IngestSocial {
  runtime: ServiceRuntime<typeof ingestSocialEnv>;
  httpPort: number;
  stop(): Promise<void>;
}

/** Builds and starts the service: platform webhooks into Kafka, and replies from Kafka out to the platforms. */
export async function startIngestSocial(env: NodeJS.ProcessEnv): Promise<IngestSocial> {
  const runtime = ServiceRuntime.create(
    {
      service: 'ingest-social',
      env: ingestSocialEnv,
      topics: [Topics.inbound, Topics.outbound, Topics.delivery].map((topic) => ({
        topic,
        numPartitions: TopicPartitions[topic],
      })),
    },
    env,
  );
  const { config, logger } = runtime;
  const directory = new InboxDirectory(loadChannelsConfig(config.CHANNELS_CONFIG_FILE));
  logger.info({ socialInboxes: directory.size }, 'channels configured');

  const blobs = new GridFsBlobStore({
    db: runtime.store.client.db(config.BLOB_MONGODB_DB ?? `${config.MONGODB_DB}_blobs`),
    maxBytes: Math.max(config.ATTACHMENT_MAX_BYTES, config.WEBHOOK_BODY_LIMIT),
    onCleanupError: (error, fileId) => logger.warn({ err: error, fileId }, 'could not delete a discarded blob upload'),
  });
  const endpoints = {
    graphBase: config.META_GRAPH_API_BASE,
    graphVersion: config.META_GRAPH_API_VERSION,
    telegramBase: config.TELEGRAM_API_BASE,
  };
  const windows = new SocialWindowsRepository(runtime.store);
  const ingest = new SocialIngest({
    media: new PlatformMediaFetcher({
      blobs,
      allowedHosts: config.ATTACHMENT_ALLOWED_HOSTS,
      maxBytes: config.ATTACHMENT_MAX_BYTES,
      timeoutMs: config.ATTACHMENT_TIMEOUT_MS,
      ...endpoints,
    }),
    raw: new BlobRawBodyStore(blobs),
    publisher: new KafkaInboundPublisher(runtime.kafka, config.WEBHOOK_PUBLISH_TIMEOUT_MS),
    windows,
  });
  const metrics = new WebhookMetrics(runtime.registry);
  const app = runtime.http.app;
  // Signatures cover the exact bytes: webhook bodies are kept raw, never parsed by the shared JSON parser.
  runtime.http.bodyFor('/webhooks', { format: 'raw', limit: config.WEBHOOK_BODY_LIMIT });
  const webhookDeps = { directory, ingest, metrics, logger, maxDepth: config.WEBHOOK_MAX_JSON_DEPTH };
  mountMetaWebhooks(app, webhookDeps);
  mountTelegramWebhook(app, webhookDeps);

  await runtime.start();
  const sender = new SocialSender({
    directory,
    sends: new SocialSendsRepository(runtime.store),
    windows,
    transport: new PlatformClient({
      logger,
      timeoutMs: config.PLATFORM_TIMEOUT_MS,
      maxAttempts: config.PLATFORM_MAX_ATTEMPTS,
      maxWaitMs: config.PLATFORM_MAX_RETRY_WAIT_MS,
    }),
    delivery: new KafkaDeliveryPublisher(runtime.kafka),
    endpoints,
  });
  await startOutboundConsumer({ kafka: runtime.kafka, sender, logger });
  runtime.serving();
  return { runtime, httpPort: runtime.httpPort, stop: () => runtime.shutdown.run('stop') };
}
