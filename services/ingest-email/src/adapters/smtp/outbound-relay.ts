import type { Readable } from 'node:stream';
import { type BackoffSettings, backoffDelay, sleep } from '@omni/backoff';
import { isBlobNotFoundError } from '@omni/blob-store';
import { UnavailableError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { angleBracketed } from '../../domain/outbound-headers';
import { type OutboundMail, UndeliverableError } from '../../domain/outbound-mail';
import type { MailRelay } from '../../domain/outbound-sender';
import { classifyRelayError } from './outbound-relay-errors';
import { relayTarget } from './outbound-relay-url';

/** Where attachment content is read from (the blob store). */
export interface AttachmentSource {
  open(blobId: string): Promise<Readable>;
}

export interface RelayRetrySettings {
  /** Attempts per message inside one handler call. */
  attempts: number;
  backoff: BackoffSettings;
  /** No new attempt starts after this long, so a handler call stays well inside the Kafka session timeout. */
  budgetMs: number;
}

const DEFAULT_RETRY: RelayRetrySettings = { attempts: 5, backoff: { initialMs: 250, maxMs: 4_000 }, budgetMs: 12_000 };

/**
 * The configured SMTP relay, through nodemailer's pooled transport.
 *
 * A temporary refusal (4xx, a dropped connection, a timeout) is retried here a
 * few times with backoff: most clear within seconds (a greylisting relay, a
 * pooled connection the relay closed). If it persists, the relay is down for
 * every message alike, so the error goes up as `unavailable`: the consumer
 * then retries the batch without dead-lettering it and without committing, so
 * nothing is lost and nothing behind it overtakes it, at the cost of holding
 * the partition until the relay recovers. Reporting FAILED instead would turn
 * a relay outage into lost replies.
 */
export class SmtpRelay implements MailRelay {
  private readonly transport;
  readonly host: string;
  private readonly stopping = new AbortController();

  private readonly retry: RelayRetrySettings;
  private readonly attachments: AttachmentSource | undefined;

  constructor(
    relayUrl: string,
    private readonly logger: Logger,
    options: { retry?: RelayRetrySettings; attachments?: AttachmentSource } = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.attachments = options.attachments;
    const target = relayTarget(relayUrl);
    this.host = target.host;
    this.transport = createTransport(target.options);
  }

  async send(mail: OutboundMail): Promise<{ response: string }> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      // Streams are read once: every attempt opens the attachments afresh.
      const contents = await this.openAttachments(mail);
      try {
        const info = await this.transport.sendMail(toNodemailer(mail, contents));
        return { response: info.response };
      } catch (error: unknown) {
        for (const content of contents) content.destroy();
        const failure = classifyRelayError(error);
        if (failure.kind === 'unknown') throw error;
        if (failure.kind === 'permanent') throw new UndeliverableError(`relay refused: ${failure.reason}`);
        const delay = backoffDelay(attempt, this.retry.backoff);
        const outOfTime = Date.now() - started + delay > this.retry.budgetMs;
        this.logger.warn({ relay: this.host, attempt, reason: failure.reason }, 'relay deferred the mail');
        if (attempt >= this.retry.attempts || outOfTime || this.stopping.signal.aborted) {
          throw new UnavailableError(`SMTP relay ${this.host} deferred the mail: ${failure.reason}`, { cause: error });
        }
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private async openAttachments(mail: OutboundMail): Promise<Readable[]> {
    if (mail.attachments.length === 0) return [];
    const source = this.attachments;
    if (!source) throw new UndeliverableError('attachments cannot be sent: no blob store configured');
    const opened: Readable[] = [];
    try {
      for (const attachment of mail.attachments) opened.push(await source.open(attachment.blobId));
      return opened;
    } catch (error: unknown) {
      for (const content of opened) content.destroy();
      if (isBlobNotFoundError(error)) throw new UndeliverableError(`attachment content is missing: ${error.message}`);
      throw error;
    }
  }

  /** Ends retry waits and closes the pooled connections (idle ones at once, busy ones after their message). */
  close(): void {
    this.stopping.abort();
    this.transport.close();
  }
}

function toNodemailer(mail: OutboundMail, contents: readonly Readable[]): SendMailOptions {
  const headers: Record<string, string> = {
    'Thread-Topic': mail.threadTopic,
    'Thread-Index': mail.threadIndex,
  };
  if (mail.automatic) {
    // RFC 3834: marks our automatic answers so other robots do not answer them back.
    headers['Auto-Submitted'] = 'auto-replied';
    headers['X-Auto-Response-Suppress'] = 'All';
  }
  return {
    from: { name: mail.from.name, address: mail.from.address },
    to: { name: mail.to.name, address: mail.to.address },
    envelope: { from: mail.from.address, to: [mail.to.address] },
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    messageId: angleBracketed(mail.messageId),
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    ...(mail.inReplyTo ? { inReplyTo: angleBracketed(mail.inReplyTo) } : {}),
    ...(mail.references.length > 0 ? { references: mail.references.map(angleBracketed) } : {}),
    headers,
    attachments: mail.attachments.map((attachment, i) => ({
      filename: attachment.filename || undefined,
      contentType: attachment.contentType,
      content: contents[i],
      contentDisposition: attachment.inline ? ('inline' as const) : ('attachment' as const),
      ...(attachment.contentId ? { cid: attachment.contentId } : {}),
    })),
  };
}
