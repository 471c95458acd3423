import type { z } from 'zod';

/** Raised at start-up when the environment is wrong; names every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, against a zod object schema whose keys are the
 * variable names. Empty strings count as unset, so `FOO=` falls back to the
 * default instead of failing a number or URL check.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(root)';
        return input[name] === undefined && issue.code === 'invalid_type'
          ? `${name}: required but not set`
          : `${name}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}
