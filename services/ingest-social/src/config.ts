import { baseEnv } from '@omni/config';
import { z } from 'zod';
import { DEFAULT_ATTACHMENT_HOSTS } from './adapters/http/host-allowlist';

/** An unset variable and an empty one mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const positiveInt = z.coerce.number().int().positive();
const baseUrl = z
  .string()
  .url()
  .transform((url) => url.replace(/\/+$/, ''));

/** ingest-social's variables; inbox secrets live in the channels file, never in these. */
export const ingestSocialEnv = baseEnv.extend({
  CHANNELS_CONFIG_FILE: z.string().min(1),
  /** Largest webhook body accepted (bytes); larger ones get 413. */
  WEBHOOK_BODY_LIMIT: positiveInt.default(1024 * 1024),
  /** Deepest JSON nesting accepted in a webhook body; deeper ones get 400. */
  WEBHOOK_MAX_JSON_DEPTH: positiveInt.default(64),
  /** Bound on waiting for Kafka before answering 503; below the platforms' webhook timeouts. */
  WEBHOOK_PUBLISH_TIMEOUT_MS: positiveInt.default(10_000),
  META_GRAPH_API_BASE: baseUrl.default('https://graph.facebook.com'),
  META_GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v21.0')
    .default('v21.0'),
  TELEGRAM_API_BASE: baseUrl.default('https://api.telegram.org'),
  /** Comma-separated hosts attachment URLs may point at (subdomains included). */
  ATTACHMENT_ALLOWED_HOSTS: z
    .string()
    .default(DEFAULT_ATTACHMENT_HOSTS.join(','))
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  ATTACHMENT_MAX_BYTES: positiveInt.default(25 * 1024 * 1024),
  ATTACHMENT_TIMEOUT_MS: positiveInt.default(10_000),
  /** Bound on one send call to a platform. */
  PLATFORM_TIMEOUT_MS: positiveInt.default(15_000),
  /** Tries per send within one handler run (429, 5xx, network) before the consumer retries later. */
  PLATFORM_MAX_ATTEMPTS: positiveInt.default(3),
  /**
   * Longest wait between tries inside the handler, whatever Retry-After says; kept well below
   * the consumer's 30 s session timeout (a longer Retry-After is left to the consumer's retry).
   */
  PLATFORM_MAX_RETRY_WAIT_MS: positiveInt.default(5_000),
  /** Database of the blob store; default `<MONGODB_DB>_blobs`. */
  BLOB_MONGODB_DB: optional(z.string().regex(/^[^/\\. "$]{1,63}$/)),
});

export type IngestSocialConfig = z.infer<typeof ingestSocialEnv>;
