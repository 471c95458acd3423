import type { ParseProblem } from '@omni/contracts';

export interface Mailbox {
  /** As written; lower-cased where it becomes an identity. */
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename?: string;
  contentType: string;
  content: Buffer;
  /** Without angle brackets. */
  contentId?: string;
  inline: boolean;
}

/**
 * A received mail in neutral terms, whatever it came as (raw MIME over SMTP or
 * a webhook, or a provider's JSON): what the inbound message is built from.
 */
export interface ParsedEmail {
  from?: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  subject: string;
  text: string;
  html: string;
  /** The new text of a reply, when the provider stripped the history itself. */
  replyText?: string;
  /** Without brackets; '' when the mail has none. */
  messageId: string;
  inReplyTo: string;
  references: string[];
  /** The Date header, only when present and valid. */
  date?: Date;
  /** Top-level header value by lower-case name (decoded where the parser decodes it). */
  headers: ReadonlyMap<string, string>;
  /** Lower-case top-level type, e.g. 'multipart/report', and its report-type parameter. */
  contentType: string;
  reportType?: string;
  attachments: ParsedAttachment[];
  problems: ParseProblem[];
  /** Parts of a delivery status notification, when the mail is one. */
  deliveryStatus?: string;
  returnedHeaders?: string;
}
