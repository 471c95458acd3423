import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './load-config';

const secret = z.string().min(8, 'secrets must have at least 8 characters');
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids use letters, digits, "_" and "-"');

const emailInbox = z.object({
  id,
  channel: z.literal('email'),
  /** Addresses mail for this inbox arrives at; plus-addressed variants match too. */
  addresses: z
    .array(
      z
        .string()
        .email()
        .transform((a) => a.toLowerCase()),
    )
    .min(1),
  /** The From address of replies. */
  fromAddress: z.string().email(),
  fromName: z.string().optional(),
});

const metaInbox = z.object({
  id,
  channel: z.enum(['messenger', 'instagram']),
  /** Page id (Messenger) or Instagram account id: how webhooks are routed to this inbox. */
  accountId: z.string().regex(/^\d+$/, 'a numeric page or account id'),
  appSecret: secret,
  verifyToken: secret,
  pageAccessToken: secret,
  /**
   * Past the 24-hour window replies go out with this message tag (Meta's rules on
   * its use apply) instead of failing.
   */
  outsideWindowTag: z
    .enum(['HUMAN_AGENT', 'ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE'])
    .optional(),
});

const whatsappInbox = z.object({
  id,
  channel: z.literal('whatsapp'),
  phoneNumberId: z.string().regex(/^\d+$/, 'a numeric phone_number_id'),
  appSecret: secret,
  verifyToken: secret,
  accessToken: secret,
  /**
   * Past the 24-hour window replies go out as this approved template, the reply's
   * text as its one body parameter, instead of failing.
   */
  outsideWindowTemplate: z
    .object({
      name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name (lower case, digits, _)'),
      language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as en or en_US'),
    })
    .optional(),
});

const telegramInbox = z.object({
  id,
  channel: z.literal('telegram'),
  /** The bot token as BotFather gives it; its numeric prefix is the bot's id. */
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'a bot token like 123456:ABC...'),
  /** The secret_token set with setWebhook, echoed in X-Telegram-Bot-Api-Secret-Token. */
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{8,256}$/, '8-256 characters of A-Z, a-z, 0-9, _ and -'),
});

const inbox = z.discriminatedUnion('channel', [emailInbox, metaInbox, whatsappInbox, telegramInbox]);

export const channelsConfigSchema = z
  .object({
    tenants: z.array(z.object({ id, name: z.string().min(1), inboxes: z.array(inbox) })).min(1),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    for (const [t, tenant] of config.tenants.entries()) {
      for (const [i, box] of tenant.inboxes.entries()) {
        if (seen.has(box.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', t, 'inboxes', i, 'id'],
            message: `duplicate inbox id ${box.id}`,
          });
        }
        seen.add(box.id);
      }
    }
  });

export type ChannelsConfig = z.infer<typeof channelsConfigSchema>;
export type InboxConfig = z.infer<typeof inbox>;

/** Reads the tenants' inboxes and secrets (mounted from a Kubernetes Secret in production). */
export function loadChannelsConfig(path: string): ChannelsConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error: unknown) {
    throw new ConfigError([`CHANNELS_CONFIG_FILE: cannot read ${path}: ${(error as Error).message}`]);
  }
  const result = channelsConfigSchema.safeParse(parsed);
  if (!result.success) {
    // Paths only: a message must never echo a secret's value.
    throw new ConfigError(result.error.issues.map((issue) => `${path}: ${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
