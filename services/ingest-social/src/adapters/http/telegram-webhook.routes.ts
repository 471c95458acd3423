import { PermissionDeniedError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import type { Express } from 'express';
import { botIdOf, type InboxDirectory } from '../../domain/inbox-directory';
import type { SocialIngest } from '../../domain/social-ingest';
import { parseTelegramUpdate } from '../../domain/telegram-update';
import { parseWebhookJson } from '../../domain/webhook-body';
import { secretEquals } from '../../domain/webhook-signature';
import { countMessages } from './meta-webhooks.routes';
import { rawBodyOf } from './raw-body';
import type { WebhookMetrics } from './webhook.metrics';
import { ingestAndAnswer } from './webhook-guard';

export interface TelegramWebhookDeps {
  directory: InboxDirectory;
  ingest: SocialIngest;
  metrics: WebhookMetrics;
  logger: Logger;
  maxDepth: number;
}

/** One URL per bot (setWebhook with secret_token): the path names the inbox, the header proves the caller. */
export function mountTelegramWebhook(app: Express, deps: TelegramWebhookDeps): void {
  const { directory, metrics, logger } = deps;
  app.post('/webhooks/telegram/:inboxId', async (req, res) => {
    const routed = directory.telegram(String(req.params.inboxId));
    const given = req.get('x-telegram-bot-api-secret-token');
    // An unknown inbox and a wrong secret answer alike, so the path does not reveal which inboxes exist.
    if (!routed || !secretEquals(given, routed.inbox.secretToken)) {
      metrics.count('telegram', routed ? 'bad_signature' : 'unknown_account');
      throw new PermissionDeniedError('invalid X-Telegram-Bot-Api-Secret-Token');
    }
    const raw = rawBodyOf(req);
    const receivedAt = new Date();
    const draft = parseTelegramUpdate(parseWebhookJson(raw, deps.maxDepth), botIdOf(routed.inbox.botToken), receivedAt);
    const messages = [{ routed, draft }];
    await ingestAndAnswer(
      res,
      deps.ingest,
      { raw, receivedAt, messages, statuses: [] },
      { channel: 'telegram', logger, metrics },
    );
    countMessages(metrics, 'telegram', [draft]);
  });
}
