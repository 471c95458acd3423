import { parseArgs } from 'node:util';
import { type ApiKeyRole, isApiKeyRole, issueApiKey } from '@omni/auth';
import { createLogger } from '@omni/logging';
import { Store } from '@omni/store';

const USAGE =
  'usage: node services/conversation/dist/cli/issue-api-key.js --tenant <id> --role agent|admin|integration --name <label>\nenv: MONGODB_URI (required), MONGODB_DB (default omni)';

/** Issues an API key and prints it once on stdout; only its hash is stored. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const uri = process.env.MONGODB_URI;
  if (values.help || !values.tenant || !values.role || !values.name || !uri) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (!isApiKeyRole(values.role)) {
    process.stderr.write(`unknown role ${values.role}\n${USAGE}\n`);
    return 2;
  }
  const store = await Store.connect({
    uri,
    dbName: process.env.MONGODB_DB || 'omni',
    appName: 'issue-api-key',
    logger: createLogger({ service: 'issue-api-key', level: 'warn' }),
  });
  try {
    const { key, keyId } = await issueApiKey(store, {
      tenantId: values.tenant,
      role: values.role as ApiKeyRole,
      name: values.name,
    });
    process.stderr.write(
      `issued ${values.role} key ${keyId.slice(0, 12)}… for tenant ${values.tenant}; it is shown only once\n`,
    );
    process.stdout.write(`${key}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`issue-api-key failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
