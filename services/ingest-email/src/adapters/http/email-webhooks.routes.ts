import { InvalidArgumentError, PermissionDeniedError, UnauthenticatedError } from '@omni/errors';
import type { HttpApp } from '@omni/http';
import type { Logger } from '@omni/logging';
import type { EmailIngest } from '../../domain/email-ingest';
import { verifyMailgunSignature } from '../../domain/mailgun-signature';
import { postmarkBodyLimit, postmarkInboundSchema, postmarkToParsed } from '../../domain/postmark-inbound';
import { requireBasicAuth } from './basic-auth';
import { formValue, readFormBody } from './form-body';
import type { MailgunTokensRepository } from './mailgun-tokens.repository';
import { ingestForWebhook } from './webhook-ingest';

export interface EmailWebhookDeps {
  ingest: EmailIngest;
  logger: Logger;
  /** Largest raw mail accepted in a webhook body. */
  maxBytes: number;
  /** Each provider's route exists only when its secret is configured; otherwise it answers 404. */
  mailgun?: { signingKey: string; tokens: MailgunTokensRepository };
  sendgridBasicAuth?: string;
  postmarkBasicAuth?: string;
}

/** Inbound-mail webhooks of Mailgun, SendGrid and Postmark, each in front of the one ingest path. */
export function mountEmailWebhooks(http: HttpApp, deps: EmailWebhookDeps): void {
  const { mailgun, logger } = deps;
  const { app } = http;
  if (mailgun) {
    app.post('/webhooks/email/mailgun', async (req, res) => {
      const form = await readFormBody(req, deps.maxBytes);
      const timestamp = form.fields.get('timestamp') ?? '';
      const token = form.fields.get('token') ?? '';
      const verdict = verifyMailgunSignature({
        signingKey: mailgun.signingKey,
        timestamp,
        token,
        signature: form.fields.get('signature') ?? '',
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      if (verdict === 'missing' || verdict === 'forged') throw new UnauthenticatedError('invalid Mailgun signature');
      if (verdict === 'stale') throw new PermissionDeniedError('Mailgun timestamp is older than five minutes');
      const mime = formValue(form, 'body-mime');
      if (!mime) throw new InvalidArgumentError('missing body-mime: route the mail with a URL ending in "mime"');
      if (!(await mailgun.tokens.claim(token))) throw new PermissionDeniedError('Mailgun token was used before');
      const recipient = form.fields.get('recipient');
      const envelope = {
        from: form.fields.get('sender'),
        recipients: recipient ? recipient.split(',').map((r) => r.trim()) : [],
      };
      try {
        res.json(
          await ingestForWebhook(
            'mailgun',
            () => deps.ingest.ingestRaw(mime, { provider: 'mailgun', envelope }),
            logger,
            deps.maxBytes,
          ),
        );
      } catch (error: unknown) {
        // The provider's retry carries the same token: give it back so the retry is not taken for a replay.
        await mailgun.tokens.release(token);
        throw error;
      }
    });
  }

  const sendgridAuth = deps.sendgridBasicAuth;
  if (sendgridAuth) {
    app.post('/webhooks/email/sendgrid', async (req, res) => {
      requireBasicAuth(req, sendgridAuth);
      const form = await readFormBody(req, deps.maxBytes);
      const mime = formValue(form, 'email');
      if (!mime) throw new InvalidArgumentError('missing field "email": enable "POST the raw, full MIME message"');
      const envelope = sendgridEnvelope(form.fields.get('envelope'));
      res.json(
        await ingestForWebhook(
          'sendgrid',
          () => deps.ingest.ingestRaw(mime, { provider: 'sendgrid', envelope }),
          logger,
          deps.maxBytes,
        ),
      );
    });
  }

  const postmarkAuth = deps.postmarkBasicAuth;
  if (postmarkAuth) {
    // Postmark posts the whole mail as JSON, attachments in base64: far above the shared 1 MB JSON limit.
    const limit = postmarkBodyLimit(deps.maxBytes);
    // Credentials are checked before the body is read: only Postmark may make us read that much.
    http.bodyFor('/webhooks/email/postmark', { limit, guard: (req) => requireBasicAuth(req, postmarkAuth) });
    app.post('/webhooks/email/postmark', async (req, res) => {
      const parsed = postmarkInboundSchema.safeParse(req.body);
      if (!req.is('application/json') || !parsed.success) {
        throw new InvalidArgumentError('expected Postmark inbound JSON');
      }
      const source = Buffer.from(JSON.stringify(req.body));
      const metadata = parsed.data.MessageID ? { postmark_message_id: parsed.data.MessageID } : undefined;
      const input = { provider: 'postmark' as const, envelope: { recipients: [] }, metadata };
      res.json(
        await ingestForWebhook(
          'postmark',
          () => deps.ingest.ingestParsed(postmarkToParsed(parsed.data), source, 'application/json', input),
          logger,
          limit,
        ),
      );
    });
  }
}

/** SendGrid's `envelope` field: JSON `{ "to": [...], "from": "..." }`. */
function sendgridEnvelope(value: string | undefined): { from?: string; recipients: string[] } {
  if (!value) return { recipients: [] };
  try {
    const parsed = JSON.parse(value) as { to?: unknown; from?: unknown };
    const to = Array.isArray(parsed.to) ? parsed.to.filter((r): r is string => typeof r === 'string') : [];
    return { from: typeof parsed.from === 'string' ? parsed.from : undefined, recipients: to };
  } catch (error: unknown) {
    throw new InvalidArgumentError(`envelope is not JSON: ${(error as Error).message}`);
  }
}
