import { Channel, Presence } from '@omni/contracts';
import { type FieldViolation, InvalidArgumentError } from '@omni/errors';
import { z } from 'zod';

/** Fields the server owns: a client that sends them is told so rather than silently ignored. */
const SERVER_OWNED = new Set(['tenantId', 'agentId', 'load', 'presence', 'version', 'heartbeatAt', 'lastAssignedAt']);

const skillLevels = z.record(z.string(), z.number().int());
const name = z.string().max(200);

export const agentBody = z.strictObject({
  name: name.optional(),
  skills: skillLevels.optional(),
  teams: z.array(z.string().min(1).max(64)).max(50).optional(),
  capacity: z.record(z.string(), z.number().int()).optional(),
  apiKeyId: z.string().max(128).optional(),
});

const PRESENCES: Record<string, Presence> = {
  online: Presence.PRESENCE_ONLINE,
  away: Presence.PRESENCE_AWAY,
  offline: Presence.PRESENCE_OFFLINE,
};

/** Presence as the API writes it (`online`) or as proto JSON does (`PRESENCE_ONLINE`). */
export const presence = z
  .string()
  .transform((value) => PRESENCES[value.toLowerCase().replace(/^presence_/, '')])
  .refine((value) => value !== undefined, 'online, away or offline')
  .transform((value) => value as Presence);

export const presenceBody = z.strictObject({ presence });
export const offerBody = z.strictObject({ agentId: z.string().min(1).max(128) });

const channelNames = Object.keys(Channel).filter((key) => Number.isNaN(Number(key)) && key !== 'CHANNEL_UNSPECIFIED');
const channel = z
  .string()
  .transform((value) => (value.startsWith('CHANNEL_') ? value : `CHANNEL_${value.toUpperCase()}`))
  .refine((value) => channelNames.includes(value), `one of ${channelNames.join(', ')}`)
  .transform((value) => Channel[value as keyof typeof Channel]);

const ruleBody = z.strictObject({
  name: z.string().max(100),
  match: z
    .strictObject({
      channels: z.array(channel).optional(),
      inboxIds: z.array(z.string()).optional(),
      languages: z.array(z.string()).optional(),
      keywords: z.array(z.string()).optional(),
      customerAttributes: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  requiredSkills: skillLevels.optional(),
  optionalSkills: skillLevels.optional(),
  priority: z.number().int().optional(),
  team: z.string().max(64).optional(),
});

export const policyBody = z.strictObject({
  rules: z.array(ruleBody).max(500).optional(),
  defaultPriority: z.number().int().optional(),
  escalation: z
    .array(
      z.strictObject({
        afterSeconds: z.number().int(),
        dropOptionalSkills: z.boolean().optional(),
        lowerLevelsBy: z.number().int().optional(),
        widenToTeam: z.string().max(64).optional(),
      }),
    )
    .max(20)
    .optional(),
  stickyWaitSeconds: z.number().int().optional(),
  offerTimeoutSeconds: z.number().int().optional(),
});

export const listAgentsQuery = z.strictObject({
  presence: presence.optional(),
  pageSize: z.coerce.number().int().min(1).max(500).optional(),
  pageToken: z.string().optional(),
});

export const listQueueQuery = z.strictObject({
  channelGroup: z.string().optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Parses input or throws InvalidArgumentError naming every bad or unknown field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details: FieldViolation[] = result.error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: at ? `${at}.${key}` : key,
        reason: SERVER_OWNED.has(key) && !at ? 'set by the server; may not be written' : 'unknown field',
      }));
    }
    return [{ field: at || what, reason: issue.message }];
  });
  throw new InvalidArgumentError(`invalid ${what}`, { details });
}
