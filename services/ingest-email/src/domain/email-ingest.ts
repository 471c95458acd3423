import { Readable } from 'node:stream';
import type { BlobStore } from '@omni/blob-store';
import type { AttachmentRef, BlobRef } from '@omni/contracts';
import { type AssembledMail, assembleInbound, type EmailProvider } from './inbound-assembler';
import type { InboxDirectory } from './inbox-directory';
import { parseMime } from './mime-parser';
import type { ParsedEmail } from './parsed-email';
import { readTwice } from './read-twice';

const RAW_MAIL = { contentType: 'message/rfc822', filename: 'message.eml' };

/** Where inbound messages (and bounce statuses) go; resolves only once they are durably accepted. */
export interface InboundPublisher {
  publish(mails: readonly AssembledMail[]): Promise<void>;
}

export interface IngestInput {
  provider: EmailProvider;
  envelope: { from?: string; recipients: readonly string[] };
  metadata?: Readonly<Record<string, string>>;
}

export interface EmailIngestDeps {
  blobs: BlobStore;
  /** Keeps a provider's parsed form (Postmark's JSON, larger than the mail by its base64); default `blobs`. */
  parsedSourceBlobs?: BlobStore;
  publisher: InboundPublisher;
  directory: InboxDirectory;
  ourMessageIdDomain: string;
  clock?: () => Date;
}

/**
 * The one way in for a received mail, whichever adapter took it: keep the
 * source in the blob store, parse, store attachments, publish. Every step is
 * repeatable with the same result (content-addressed blobs, deterministic
 * ids), so a sender's retry after a failure produces the same events.
 * Failures of the blob store or Kafka reject; the adapter answers "try later".
 */
export class EmailIngest {
  private readonly clock: () => Date;

  constructor(private readonly deps: EmailIngestDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Raw MIME, stored in the blob store and parsed in the same pass (a stream is read once). */
  async ingestRaw(content: Readable | Buffer, input: IngestInput): Promise<AssembledMail[]> {
    const receivedAt = this.clock();
    const store = (source: Readable | Buffer) => this.deps.blobs.put(source, RAW_MAIL);
    const [raw, parsed] = Buffer.isBuffer(content)
      ? await Promise.all([store(content), parseMime(Readable.from([content]))])
      : await readTwice(content, store, parseMime);
    return this.finish(parsed, raw, receivedAt, input);
  }

  /** A mail a provider parsed already (Postmark's JSON); `source` is kept as the raw blob. */
  async ingestParsed(
    parsed: ParsedEmail,
    source: Buffer,
    sourceType: string,
    input: IngestInput,
  ): Promise<AssembledMail[]> {
    const receivedAt = this.clock();
    const raw = await (this.deps.parsedSourceBlobs ?? this.deps.blobs).put(source, { contentType: sourceType });
    return this.finish(parsed, raw, receivedAt, input);
  }

  private async finish(
    parsed: ParsedEmail,
    raw: BlobRef,
    receivedAt: Date,
    input: IngestInput,
  ): Promise<AssembledMail[]> {
    const attachments: AttachmentRef[] = [];
    for (const attachment of parsed.attachments) {
      const blob = await this.deps.blobs.put(attachment.content, {
        contentType: attachment.contentType,
        filename: attachment.filename,
      });
      attachments.push({
        blob,
        filename: attachment.filename ?? '',
        contentId: attachment.contentId ?? '',
        inline: attachment.inline,
        sourceUrl: '',
      });
    }
    const mails = assembleInbound(parsed, this.deps.directory, {
      provider: input.provider,
      raw,
      attachments,
      receivedAt,
      envelope: input.envelope,
      ourMessageIdDomain: this.deps.ourMessageIdDomain,
      metadata: input.metadata,
    });
    if (mails.length > 0) await this.deps.publisher.publish(mails);
    return mails;
  }
}
