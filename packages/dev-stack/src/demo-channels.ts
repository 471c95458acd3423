import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const secret = () => randomBytes(18).toString('base64url');

/**
 * One demo tenant with an email inbox and an inbox per social platform. The
 * secrets are made fresh on each machine: nothing secret is in the repository.
 */
export function demoChannelsConfig() {
  return {
    tenants: [
      {
        id: 'demo',
        name: 'Demo Shop',
        inboxes: [
          {
            id: 'demo-email',
            channel: 'email',
            addresses: ['support@demo.localhost'],
            fromAddress: 'support@demo.localhost',
            fromName: 'Demo Shop Support',
          },
          {
            id: 'demo-messenger',
            channel: 'messenger',
            accountId: '100000000000001',
            appSecret: secret(),
            verifyToken: secret(),
            pageAccessToken: secret(),
          },
          {
            id: 'demo-instagram',
            channel: 'instagram',
            accountId: '17841400000000001',
            appSecret: secret(),
            verifyToken: secret(),
            pageAccessToken: secret(),
          },
          {
            id: 'demo-whatsapp',
            channel: 'whatsapp',
            phoneNumberId: '100000000000002',
            appSecret: secret(),
            verifyToken: secret(),
            accessToken: secret(),
          },
          {
            id: 'demo-telegram',
            channel: 'telegram',
            botToken: `1000000001:${secret()}`,
            secretToken: secret(),
          },
        ],
      },
    ],
  };
}

/** Writes the demo config once (mode 0600) and keeps it, so secrets stay stable across restarts. */
export function ensureDemoChannelsConfig(path: string): { path: string; created: boolean } {
  if (existsSync(path)) {
    JSON.parse(readFileSync(path, 'utf8'));
    return { path, created: false };
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(demoChannelsConfig(), null, 2)}\n`, { mode: 0o600 });
  return { path, created: true };
}
