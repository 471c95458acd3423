import { createHmac } from 'node:crypto';
import { deterministicId } from '@omni/contracts';

export const TENANT = 'shop';
export const PAGE_ID = '1001';
export const PHONE_NUMBER_ID = '3003';
export const SECRETS = { messenger: 'bench-messenger-app-secret', whatsapp: 'bench-whatsapp-app-secret' };

/** The channels file the webhook bench's ingest-social and conversation service share. */
export const CHANNELS = {
  tenants: [
    {
      id: TENANT,
      name: 'Shop',
      inboxes: [
        {
          id: 'fb-page',
          channel: 'messenger',
          accountId: PAGE_ID,
          appSecret: SECRETS.messenger,
          verifyToken: 'bench-verify',
          pageAccessToken: 'bench-page-token',
        },
        {
          id: 'wa-number',
          channel: 'whatsapp',
          phoneNumberId: PHONE_NUMBER_ID,
          appSecret: SECRETS.whatsapp,
          verifyToken: 'bench-verify',
          accessToken: 'bench-wa-token',
        },
      ],
    },
  ],
};

export interface SignedWebhook {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** The id the conversation service stores the message under. */
  messageId: string;
}

const TEXT = 'Hello, my order #1234 has not arrived yet. Can you check where it is? Obrigado, Ana ✓';

/**
 * Webhook `n` of a run: even ones are WhatsApp Cloud, odd ones Messenger, each one message
 * from one of 50 customers, signed with X-Hub-Signature-256 over the exact bytes sent.
 */
export function signedWebhook(run: string, n: number): SignedWebhook {
  const customer = n % 50;
  const now = Date.now();
  if (n % 2 === 0) {
    const wamid = `wamid.bench-${run}-${n}`;
    const wa = `55119${String(customer).padStart(8, '0')}`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba-bench',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: `Customer ${customer}` }, wa_id: wa }],
                messages: [
                  {
                    from: wa,
                    id: wamid,
                    timestamp: String(Math.floor(now / 1000)),
                    type: 'text',
                    text: { body: TEXT },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    return signed('/webhooks/whatsapp', body, SECRETS.whatsapp, deterministicId('msg', TENANT, 'whatsapp', wamid));
  }
  const mid = `m_bench-${run}-${n}`;
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: now,
        messaging: [
          {
            sender: { id: `psid-${customer}` },
            recipient: { id: PAGE_ID },
            timestamp: now,
            message: { mid, text: TEXT },
          },
        ],
      },
    ],
  });
  return signed('/webhooks/meta', body, SECRETS.messenger, deterministicId('msg', TENANT, 'messenger', mid));
}

function signed(path: string, body: string, secret: string, messageId: string): SignedWebhook {
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    path,
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    messageId,
  };
}
