import { GridFsBlobStore } from '@omni/blob-store';
import { baseEnv, ConfigError, loadChannelsConfig } from '@omni/config';
import { TopicPartitions, Topics } from '@omni/contracts';
import { ServiceRuntime } from '@omni/runtime';
import { z } from 'zod';
import { mountEmailWebhooks } from './adapters/http/email-webhooks.routes';
import { MAILGUN_TOKENS, MailgunTokensRepository } from './adapters/http/mailgun-tokens.repository';
import { KafkaInboundPublisher } from './adapters/kafka/inbound.publisher';
import { InboundSmtpServer } from './adapters/smtp/smtp.server';
import { EmailIngest } from './domain/email-ingest';
import { InboxDirectory } from './domain/inbox-directory';
import { postmarkBodyLimit } from './domain/postmark-inbound';
import { outboundEnv, startEmailOutbound } from './outbound';

/** An unset variable and an empty one mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const basicAuth = z.string().regex(/^[^:]+:.{8,}$/, 'expected "user:password" with a password of 8+ characters');

/** The inbound side's variables (webhook secrets are only ever checked, never logged). */
export const inboundEnv = z.object({
  CHANNELS_CONFIG_FILE: z.string().min(1),
  SMTP_HOST: z.string().default('0.0.0.0'),
  SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  SMTP_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  SMTP_TLS_CERT_FILE: optional(z.string()),
  SMTP_TLS_KEY_FILE: optional(z.string()),
  MAILGUN_SIGNING_KEY: optional(z.string().min(8)),
  SENDGRID_BASIC_AUTH: optional(basicAuth),
  POSTMARK_BASIC_AUTH: optional(basicAuth),
  /** Domain of the Message-IDs of our own replies, to recognise their bounces. */
  MESSAGE_ID_DOMAIN: z.string().default('mail.omni.invalid'),
  /** Bound on waiting for Kafka before answering 451/503; below an SMTP client's timeout. */
  INGEST_PUBLISH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Database of the blob store; default `<MONGODB_DB>_blobs`. */
  BLOB_MONGODB_DB: optional(z.string().regex(/^[^/\\. "$]{1,63}$/)),
});

export const ingestEmailEnv = baseEnv.extend(inboundEnv.shape).extend(outboundEnv.shape);

export interface IngestEmail {
  runtime: ServiceRuntime<typeof ingestEmailEnv>;
  smtpPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** main.ts: handle SIGTERM from the moment the runtime exists, not only once dependencies answered. */
  handleSignals?: boolean;
}

/** Builds and starts the service: webhooks and SMTP in front of one ingest path into Kafka. */
export async function startIngestEmail(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<IngestEmail> {
  const runtime = ServiceRuntime.create(
    {
      service: 'ingest-email',
      env: ingestEmailEnv,
      topics: [Topics.inbound, Topics.outbound, Topics.delivery].map((topic) => ({
        topic,
        numPartitions: TopicPartitions[topic],
      })),
      indexes: { [MAILGUN_TOKENS]: [{ key: { at: 1 }, name: 'at' }] },
    },
    env,
  );
  if (options.handleSignals) runtime.handleSignals();
  const { config, logger } = runtime;
  if (Boolean(config.SMTP_TLS_CERT_FILE) !== Boolean(config.SMTP_TLS_KEY_FILE)) {
    throw new ConfigError(['SMTP_TLS_CERT_FILE and SMTP_TLS_KEY_FILE: set both to offer STARTTLS, or neither']);
  }
  const channels = loadChannelsConfig(config.CHANNELS_CONFIG_FILE);
  const directory = new InboxDirectory(channels);
  logger.info({ tenants: channels.tenants.length, emailAddresses: directory.size }, 'channels configured');

  const blobStore = (maxBytes: number) =>
    new GridFsBlobStore({
      db: runtime.store.client.db(config.BLOB_MONGODB_DB ?? `${config.MONGODB_DB}_blobs`),
      maxBytes,
      onCleanupError: (error, fileId) =>
        logger.warn({ err: error, fileId }, 'could not delete a discarded blob upload'),
    });
  const blobs = blobStore(config.SMTP_MAX_MESSAGE_BYTES);
  const ingest = new EmailIngest({
    blobs,
    parsedSourceBlobs: blobStore(postmarkBodyLimit(config.SMTP_MAX_MESSAGE_BYTES)),
    publisher: new KafkaInboundPublisher(runtime.kafka, config.INGEST_PUBLISH_TIMEOUT_MS),
    directory,
    ourMessageIdDomain: config.MESSAGE_ID_DOMAIN,
  });
  mountEmailWebhooks(runtime.http, {
    ingest,
    logger,
    maxBytes: config.SMTP_MAX_MESSAGE_BYTES,
    mailgun: config.MAILGUN_SIGNING_KEY
      ? { signingKey: config.MAILGUN_SIGNING_KEY, tokens: new MailgunTokensRepository(runtime.store, logger) }
      : undefined,
    sendgridBasicAuth: config.SENDGRID_BASIC_AUTH,
    postmarkBasicAuth: config.POSTMARK_BASIC_AUTH,
  });

  await runtime.start();
  const smtp = new InboundSmtpServer({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    maxMessageBytes: config.SMTP_MAX_MESSAGE_BYTES,
    tlsCertFile: config.SMTP_TLS_CERT_FILE,
    tlsKeyFile: config.SMTP_TLS_KEY_FILE,
    closeTimeoutMs: Math.floor(config.SHUTDOWN_GRACE_MS / 2),
    logger,
    directory,
    ingest,
  });
  let smtpPort: number;
  try {
    smtpPort = await smtp.listen();
  } catch (error: unknown) {
    await runtime.shutdown.run('smtp could not listen');
    throw error;
  }
  // Added after the runtime's own steps, so it runs before Kafka closes: mail in DATA still gets published.
  runtime.shutdown.add('smtp', () => smtp.close());
  const outbound = await startEmailOutbound({ runtime, channels, relayUrl: config.SMTP_RELAY_URL, blobs });
  runtime.shutdown.add('email-outbound', () => outbound.stop());
  runtime.serving();
  return { runtime, smtpPort, httpPort: runtime.httpPort, stop: () => runtime.shutdown.run('stop') };
}
