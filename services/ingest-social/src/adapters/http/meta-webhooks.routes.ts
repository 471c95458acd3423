import { ContentKind } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import type { Express, Request, Response } from 'express';
import type { InboxDirectory, MetaInbox, Routed, WhatsAppInbox } from '../../domain/inbox-directory';
import { parseMetaWebhook } from '../../domain/meta-webhook';
import type { IngestCall, SocialIngest } from '../../domain/social-ingest';
import type { SocialMessageDraft } from '../../domain/social-message';
import { parseWebhookJson } from '../../domain/webhook-body';
import { parseWhatsAppWebhook } from '../../domain/whatsapp-webhook';
import { rawBodyOf } from './raw-body';
import type { WebhookMetrics } from './webhook.metrics';
import { ingestAndAnswer, refuseUnknownAccount, requireHubSignature, SIGNATURE_HEADER } from './webhook-guard';

export interface MetaWebhookDeps {
  directory: InboxDirectory;
  ingest: SocialIngest;
  metrics: WebhookMetrics;
  logger: Logger;
  maxDepth: number;
}

/**
 * Messenger and Instagram (`/webhooks/meta`) and WhatsApp Cloud (`/webhooks/whatsapp`).
 * An unknown `object` is answered 200 and counted: Meta retries anything else for
 * days, and retrying cannot make an object type known.
 */
export function mountMetaWebhooks(app: Express, deps: MetaWebhookDeps): void {
  const { directory, metrics, logger } = deps;
  app.get('/webhooks/meta', (req, res) => answerHandshake(req, res, directory, 'meta'));
  app.get('/webhooks/whatsapp', (req, res) => answerHandshake(req, res, directory, 'whatsapp'));

  app.post('/webhooks/meta', async (req, res) => {
    const raw = rawBodyOf(req);
    requireSignatureHeader(req, metrics, 'meta');
    const receivedAt = new Date();
    const webhook = parseMetaWebhook(parseWebhookJson(raw, deps.maxDepth), receivedAt);
    if (webhook.kind === 'unknown-object') {
      requireHubSignature(req, raw, directory.appSecrets('meta'), metrics, 'meta', 'any');
      metrics.count('meta', 'unknown_object');
      logger.warn({ object: webhook.object }, 'meta webhook of an unknown object type ignored');
      res.status(200).json({ received: 0, ignored: `object ${webhook.object}` });
      return;
    }
    const { channel } = webhook;
    const messages: { routed: Routed<MetaInbox>; draft: SocialMessageDraft }[] = [];
    const statuses: IngestCall['statuses'] = [];
    const inboxes = new Map<string, Routed<MetaInbox>>();
    for (const entry of webhook.entries) {
      const routed = directory.metaAccount(channel, entry.accountId);
      if (!routed) {
        const context = { secrets: directory.appSecrets('meta'), metrics, channel, logger };
        refuseUnknownAccount(req, raw, context, `account ${entry.accountId}`);
      }
      inboxes.set(routed.inbox.id, routed);
      messages.push(...entry.drafts.map((draft) => ({ routed, draft })));
      statuses.push(...entry.statuses.map((status) => ({ tenantId: routed.tenantId, channel, status })));
    }
    const secrets = [...inboxes.values()].map((r) => r.inbox.appSecret);
    requireHubSignature(
      req,
      raw,
      secrets.length > 0 ? secrets : directory.appSecrets('meta'),
      metrics,
      channel,
      secrets.length > 0 ? 'all' : 'any',
    );
    const echoes = webhook.entries.reduce((sum, entry) => sum + entry.echoes, 0);
    metrics.count(channel, 'echo', echoes);
    await ingestAndAnswer(
      res,
      deps.ingest,
      { raw, receivedAt, messages, statuses },
      { channel, logger, metrics, extra: { echoes } },
    );
    countMessages(
      metrics,
      channel,
      messages.map((m) => m.draft),
    );
    metrics.count(channel, 'status', statuses.length);
  });

  app.post('/webhooks/whatsapp', async (req, res) => {
    const raw = rawBodyOf(req);
    requireSignatureHeader(req, metrics, 'whatsapp');
    const receivedAt = new Date();
    const webhook = parseWhatsAppWebhook(parseWebhookJson(raw, deps.maxDepth), receivedAt);
    if (webhook.kind === 'unknown-object') {
      requireHubSignature(req, raw, directory.appSecrets('whatsapp'), metrics, 'whatsapp', 'any');
      metrics.count('whatsapp', 'unknown_object');
      logger.warn({ object: webhook.object }, 'whatsapp webhook of an unknown object type ignored');
      res.status(200).json({ received: 0, ignored: `object ${webhook.object}` });
      return;
    }
    const inboxes = new Map<string, Routed<WhatsAppInbox>>();
    const messages: { routed: Routed<WhatsAppInbox>; draft: SocialMessageDraft }[] = [];
    const statuses: IngestCall['statuses'] = [];
    let ignored = 0;
    for (const change of webhook.changes) {
      if (change.phoneNumberId === '') {
        // Account-level changes (template reviews, quality ratings) name no phone number and carry no messages.
        ignored += 1;
        continue;
      }
      const routed = directory.whatsappNumber(change.phoneNumberId);
      if (!routed) {
        const context = { secrets: directory.appSecrets('whatsapp'), metrics, channel: 'whatsapp', logger };
        refuseUnknownAccount(req, raw, context, `phone_number_id ${change.phoneNumberId}`);
      }
      inboxes.set(routed.inbox.id, routed);
      messages.push(...change.drafts.map((draft) => ({ routed, draft })));
      statuses.push(
        ...change.statuses.map((status) => ({ tenantId: routed.tenantId, channel: 'whatsapp' as const, status })),
      );
    }
    const secrets = [...inboxes.values()].map((r) => r.inbox.appSecret);
    requireHubSignature(
      req,
      raw,
      secrets.length > 0 ? secrets : directory.appSecrets('whatsapp'),
      metrics,
      'whatsapp',
      secrets.length > 0 ? 'all' : 'any',
    );
    metrics.count('whatsapp', 'ignored_change', ignored);
    await ingestAndAnswer(
      res,
      deps.ingest,
      { raw, receivedAt, messages, statuses },
      { channel: 'whatsapp', logger, metrics },
    );
    countMessages(
      metrics,
      'whatsapp',
      messages.map((m) => m.draft),
    );
    metrics.count('whatsapp', 'status', statuses.length);
  });
}

/** Meta's subscription handshake: echo hub.challenge as plain text when the verify token is ours. */
function answerHandshake(req: Request, res: Response, directory: InboxDirectory, family: 'meta' | 'whatsapp'): void {
  const mode = req.query['hub.mode'];
  const token = req.query['hub.verify_token'];
  const challenge = req.query['hub.challenge'];
  const valid =
    mode === 'subscribe' &&
    typeof token === 'string' &&
    typeof challenge === 'string' &&
    directory.verifyTokenMatches(family, token);
  if (!valid) {
    res.status(403).type('text/plain').send('verification failed');
    return;
  }
  // The challenge is caller-chosen text: never let a browser sniff it into HTML.
  res.status(200).type('text/plain').set('X-Content-Type-Options', 'nosniff').send(challenge);
}

/** A missing header is refused before the body is even parsed. */
function requireSignatureHeader(req: Request, metrics: WebhookMetrics, channel: string): void {
  if (!req.get(SIGNATURE_HEADER)) requireHubSignature(req, Buffer.alloc(0), [], metrics, channel, 'all');
}

export function countMessages(metrics: WebhookMetrics, channel: string, drafts: readonly SocialMessageDraft[]): void {
  const unsupported = drafts.filter((d) => d.contentKind === ContentKind.CONTENT_KIND_UNSUPPORTED).length;
  metrics.count(channel, 'unsupported', unsupported);
  metrics.count(channel, 'ingested', drafts.length - unsupported);
}
