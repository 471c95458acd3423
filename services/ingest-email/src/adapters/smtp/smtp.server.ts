import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { isBlobTooLargeError } from '@omni/blob-store';
import type { Logger } from '@omni/logging';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { EmailIngest } from '../../domain/email-ingest';
import type { InboxDirectory } from '../../domain/inbox-directory';

export interface InboundSmtpSettings {
  host: string;
  port: number;
  maxMessageBytes: number;
  /** STARTTLS is offered only with both; without them it is disabled rather than faked. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** How long close() lets sessions finish (a DATA in progress) before cutting them. */
  closeTimeoutMs: number;
  logger: Logger;
  directory: InboxDirectory;
  ingest: EmailIngest;
}

/** An SMTP reply the client sees, as smtp-server expects it from a handler. */
function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The inbound MX: accepts mail for our inbox addresses only, streams DATA into
 * the blob store, and answers 250 only after Kafka acknowledged the events.
 * Anything that might succeed later (blob store, Kafka) answers 451 so the
 * sending server keeps the mail and retries; nothing is lost in between.
 */
export class InboundSmtpServer {
  private readonly server: SMTPServer;
  private readonly logger: Logger;

  constructor(private readonly settings: InboundSmtpSettings) {
    this.logger = settings.logger.child({ component: 'smtp' });
    const tls = settings.tlsCertFile && settings.tlsKeyFile;
    const options: SMTPServerOptions = {
      banner: 'omni ingest-email',
      size: settings.maxMessageBytes,
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      closeTimeout: settings.closeTimeoutMs,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (settings.directory.resolve(address.address)) return callback();
        callback(reply(550, `5.1.1 <${address.address}>: no such mailbox here`));
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (message) => callback(null, message),
          (error: Error) => callback(error),
        );
      },
    };
    if (tls) {
      options.key = readFileSync(settings.tlsKeyFile as string);
      options.cert = readFileSync(settings.tlsCertFile as string);
    }
    this.server = new SMTPServer(options);
    this.server.on('error', (error: unknown) => this.logger.warn({ err: error }, 'smtp connection error'));
  }

  /** Listens; resolves with the bound port (port 0 picks a free one). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: unknown) => reject(error);
      this.server.server.once('error', onError);
      this.server.listen(this.settings.port, this.settings.host, () => {
        this.server.server.off('error', onError);
        const port = (this.server.server.address() as AddressInfo).port;
        this.logger.info({ port, tls: Boolean(this.settings.tlsCertFile) }, 'smtp listening');
        resolve(port);
      });
    });
  }

  /** Stops accepting connections; sessions in DATA finish, idle ones are cut after the close timeout. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const envelope = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
      recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    };
    // The blob store may destroy what it reads on failure; the SMTP stream itself must live on to be drained.
    const body = new PassThrough();
    stream.pipe(body);
    try {
      const mails = await this.settings.ingest.ingestRaw(body, { provider: 'smtp', envelope });
      const ids = mails.map((mail) => mail.message.id).join(' ');
      this.logger.info({ ids, recipients: envelope.recipients.length }, 'mail accepted');
      return `2.0.0 Ok: queued as ${ids}`;
    } catch (error: unknown) {
      stream.unpipe(body);
      stream.resume();
      if (stream.sizeExceeded || isBlobTooLargeError(error)) {
        throw reply(552, `5.3.4 Message exceeds the maximum size of ${this.settings.maxMessageBytes} bytes`);
      }
      if (error instanceof Error && 'responseCode' in error) throw error;
      this.logger.warn({ err: error }, 'mail not accepted, asked the sender to retry');
      throw reply(451, '4.3.0 Temporary failure storing the message, please try again later');
    }
  }
}
