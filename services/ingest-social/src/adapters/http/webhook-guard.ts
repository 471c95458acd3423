import { PermissionDeniedError, UnauthenticatedError, UnavailableError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import type { Request, Response } from 'express';
import type { IngestCall, SocialIngest } from '../../domain/social-ingest';
import { verifyHubSignature } from '../../domain/webhook-signature';
import type { WebhookMetrics } from './webhook.metrics';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Every secret must verify: one call's entries come from one app, so a mismatch means forged or misrouted. */
export function requireHubSignature(
  req: Request,
  raw: Buffer,
  secrets: readonly string[],
  metrics: WebhookMetrics,
  channel: string,
  mode: 'all' | 'any',
): void {
  const header = req.get(SIGNATURE_HEADER);
  const verdicts = secrets.map((secret) => verifyHubSignature(raw, header, secret));
  const ok = secrets.length > 0 && (mode === 'all' ? verdicts.every(Boolean) : verdicts.some(Boolean));
  if (!ok) {
    metrics.count(channel, 'bad_signature');
    throw new UnauthenticatedError(
      header ? 'X-Hub-Signature-256 does not match the body' : 'missing X-Hub-Signature-256',
    );
  }
}

/**
 * An account no inbox is configured for: refused (403) and counted, never given a default tenant.
 * The caller must first prove it holds one of the family's app secrets, so unauthenticated
 * callers learn nothing about which accounts exist (they get 401 like any forgery).
 */
export function refuseUnknownAccount(
  req: Request,
  raw: Buffer,
  context: { secrets: readonly string[]; metrics: WebhookMetrics; channel: string; logger: Logger },
  what: string,
): never {
  const { metrics, channel, logger } = context;
  requireHubSignature(req, raw, context.secrets, metrics, channel, 'any');
  metrics.count(channel, 'unknown_account');
  logger.warn({ channel, account: what }, 'webhook for an account no inbox is configured for: refused');
  throw new PermissionDeniedError(`no ${channel} inbox is configured for ${what}`);
}

/** Answers 200 only once Kafka acknowledged everything; anything else is 503 so the platform retries. */
export async function ingestAndAnswer(
  res: Response,
  ingest: SocialIngest,
  call: IngestCall,
  context: { channel: string; logger: Logger; metrics: WebhookMetrics; extra?: Record<string, number> },
): Promise<void> {
  let result: Awaited<ReturnType<SocialIngest['ingest']>>;
  try {
    result = await ingest.ingest(call);
  } catch (error: unknown) {
    context.metrics.count(context.channel, 'publish_failed');
    context.logger.warn({ err: error, channel: context.channel }, 'webhook not accepted: ingest failed');
    throw new UnavailableError('could not accept the webhook now; retry later', { retryAfterSeconds: 5, cause: error });
  }
  res.status(200).json({ received: result.messageIds.length, statuses: result.statuses, ...context.extra });
}
