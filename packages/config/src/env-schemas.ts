import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** A comma-separated list of host:port pairs. */
const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .refine((brokers) => brokers.length > 0 && brokers.every((b) => /^[^\s:]+:\d+$/.test(b)), {
    message: 'expected a comma-separated list of host:port',
  });

/** Variables every service reads; a service extends this with its own. */
export const baseEnv = z.object({
  KAFKA_BROKERS: brokerList,
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
    .default(''),
  KAFKA_CLIENT_ID: z.string().optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI'),
  MONGODB_DB: z
    .string()
    .regex(/^[^/\\. "$]{1,63}$/, 'not a valid database name')
    .default('omni'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: port.default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(25_000),
});

/** For services that serve gRPC. */
export const grpcEnv = z.object({
  GRPC_HOST: z.string().default('0.0.0.0'),
  GRPC_PORT: port.default(9090),
});

export type BaseEnv = z.infer<typeof baseEnv>;
