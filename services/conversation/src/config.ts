import { baseEnv, grpcEnv } from '@omni/config';
import { z } from 'zod';

/** The conversation service's environment: the platform's variables plus its own. */
export const conversationEnv = baseEnv.extend(grpcEnv.shape).extend({
  /** How far back the subject rule looks for the same customer's conversation. */
  THREAD_SUBJECT_WINDOW_HOURS: z.coerce.number().positive().default(72),
  /** Right-hand side of the Message-IDs minted for replies. */
  MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'expected a domain name')
    .default('mail.omni.invalid'),
  /** Senders whose inbound messages are threaded side by side within one partition's batch (each sender in order). */
  INBOUND_KEY_CONCURRENCY: z.coerce.number().int().min(1).default(8),
  /** The outbox relay's safety-net poll; it is also woken by every stored reply. */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(5_000),
  /** How long a resolved API key is trusted before the database is asked again (bounds revocation delay). */
  API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /**
   * First timeline pages held per replica, each valid only for the conversation's timeline mark read
   * with it (docs/architecture.md, "Reading a conversation"); 0 turns the cache off.
   */
  TIMELINE_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).default(10_000),
  /** Memory the cached pages may take, estimated as 5 times their protobuf size (measured 3.8 to 4.9). */
  TIMELINE_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  /** Calls per second each API key may make (gRPC and REST together, per replica), and its burst. */
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(50),
  API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  /**
   * Messenger, Instagram and WhatsApp accept free-form replies only this long after the
   * customer's last message on that channel; later replies are refused before they are stored.
   * 0 turns the check off (for tenants whose adapter sends a message tag or template instead).
   */
  REPLY_WINDOW_HOURS: z.coerce.number().min(0).default(24),
  /** How long a delivery status that overtook our own SENT waits for it before it is dropped. */
  HELD_STATUS_TTL_HOURS: z.coerce.number().positive().default(72),
  /**
   * How long after its last count (at most 30 s after the first) a conversation's counters are
   * checked against its messages, and repaired if an update racing on another replica overwrote
   * them. FerretDB v1 only (MongoDB's updates are atomic); 0 turns the check off.
   */
  COUNT_AUDIT_DELAY_MS: z.coerce.number().int().min(0).default(2_000),
  /** How often snoozed conversations whose time has come are opened again. */
  SNOOZE_SWEEP_MS: z.coerce.number().int().positive().default(5_000),
  /** Recent conversation events each replica holds for live streams to resume from. */
  WATCH_BUFFER_EVENTS: z.coerce.number().int().min(10).default(10_000),
  /** Events a watch stream may fall behind before it is cut (capped below WATCH_BUFFER_EVENTS). */
  WATCH_SUBSCRIBER_MAX_LAG: z.coerce.number().int().positive().default(2_000),
  /** Concurrent watch streams (gRPC and SSE together) per tenant on one replica. */
  WATCH_MAX_STREAMS_PER_TENANT: z.coerce.number().int().positive().default(100),
  /** Idle watch streams get a checkpoint (SSE: a comment line) this often, so proxies keep them open. */
  WATCH_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
});
