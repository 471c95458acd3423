import { baseEnv, grpcEnv } from '@omni/config';
import { z } from 'zod';

/** The routing service's environment: the platform's variables plus its own. */
export const routingEnv = baseEnv.extend(grpcEnv.shape).extend({
  /** An online agent not heard from for this long turns offline and their work is requeued. */
  HEARTBEAT_TTL_SECONDS: z.coerce.number().positive().default(60),
  /** How often each replica runs the safety-net sweep (expiry, requeue, missed wake-ups, unpublished events). */
  ROUTING_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(2_000),
  /** First-response targets per channel group. */
  SLA_MESSAGING_SECONDS: z.coerce.number().int().positive().default(180),
  SLA_EMAIL_SECONDS: z.coerce.number().int().positive().default(86_400),
  /** Kafka consumer group; every replica of one deployment shares it. */
  ROUTING_CONSUMER_GROUP: z.string().min(1).default('routing'),
  /**
   * How much of a queue (best first) a freed agent or the sweep reads at once; when an agent
   * still has room after it and the queue is longer, they read on as deep as 20,000.
   */
  ROUTING_QUEUE_WINDOW: z.coerce.number().int().positive().default(200),
  /** Conversations of one batch decided side by side. */
  ROUTING_CONCURRENCY: z.coerce.number().int().positive().default(8),
  /** How long a resolved API key is trusted before the database is asked again (bounds revocation delay). */
  API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
});
