import { z } from 'zod';
import { normalizeMessageId, parseMessageIdList } from './message-id';
import type { Mailbox, ParsedAttachment, ParsedEmail } from './parsed-email';

const mailbox = z.object({ Email: z.string().default(''), Name: z.string().default('') });

/** The parts of Postmark's inbound webhook JSON we read; the rest is kept in the raw blob. */
export const postmarkInboundSchema = z.object({
  From: z.string().default(''),
  FromName: z.string().default(''),
  FromFull: mailbox.optional(),
  To: z.string().default(''),
  ToFull: z.array(mailbox).default([]),
  CcFull: z.array(mailbox).default([]),
  OriginalRecipient: z.string().default(''),
  Subject: z.string().default(''),
  Date: z.string().default(''),
  TextBody: z.string().default(''),
  HtmlBody: z.string().default(''),
  StrippedTextReply: z.string().default(''),
  MessageID: z.string().default(''),
  Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).default([]),
  Attachments: z
    .array(
      z.object({
        Name: z.string().default(''),
        Content: z.string().default(''),
        ContentType: z.string().default('application/octet-stream'),
        ContentLength: z.number().optional(),
        ContentID: z.string().default(''),
      }),
    )
    .default([]),
});

export type PostmarkInbound = z.infer<typeof postmarkInboundSchema>;

/** Room for the JSON structure, the headers list and the stripped reply beside the content. */
const POSTMARK_JSON_ALLOWANCE = 256 * 1024;

/**
 * The largest Postmark JSON body to accept for mails of up to `maxMailBytes`, so
 * that any mail SMTP would take is taken here too: its attachments (up to
 * `maxMailBytes` decoded) arrive base64-encoded, 4 bytes for every 3, and the text
 * parts decoded, which is never longer than their encoded MIME form.
 */
export function postmarkBodyLimit(maxMailBytes: number): number {
  return Math.ceil(maxMailBytes / 3) * 4 + POSTMARK_JSON_ALLOWANCE;
}

/**
 * Postmark parsed the mail already; its RFC Message-ID is in Headers (the
 * top-level MessageID is Postmark's own id). Broken attachment base64 is
 * flagged, never fatal.
 */
export function postmarkToParsed(body: PostmarkInbound): ParsedEmail {
  const headers = new Map<string, string>();
  for (const header of body.Headers) {
    const name = header.Name.toLowerCase();
    if (!headers.has(name)) headers.set(name, header.Value);
  }
  const problems: ParsedEmail['problems'] = [];
  const attachments: ParsedAttachment[] = body.Attachments.map((attachment) => {
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(attachment.Content)) {
      if (!problems.some((p) => p.code === 'invalid_base64')) {
        problems.push({ code: 'invalid_base64', detail: `attachment "${attachment.Name}" is not valid base64` });
      }
    }
    return {
      filename: attachment.Name || undefined,
      contentType: attachment.ContentType,
      content: Buffer.from(attachment.Content, 'base64'),
      contentId: attachment.ContentID ? normalizeMessageId(attachment.ContentID) : undefined,
      inline: Boolean(attachment.ContentID),
    };
  });
  const date = body.Date ? new Date(body.Date) : undefined;
  const from: Mailbox = {
    address: body.FromFull?.Email || body.From,
    name: body.FromFull?.Name || body.FromName,
  };
  const toMailboxes = (list: { Email: string; Name: string }[]): Mailbox[] =>
    list.filter((m) => m.Email).map((m) => ({ address: m.Email, name: m.Name }));
  return {
    from: from.address ? from : undefined,
    to: body.ToFull.length > 0 ? toMailboxes(body.ToFull) : body.To ? [{ address: body.To, name: '' }] : [],
    cc: toMailboxes(body.CcFull),
    subject: body.Subject,
    text: body.TextBody,
    html: body.HtmlBody,
    replyText: body.StrippedTextReply || undefined,
    messageId: normalizeMessageId(headers.get('message-id')),
    inReplyTo: parseMessageIdList(headers.get('in-reply-to'))[0] ?? '',
    references: parseMessageIdList(headers.get('references')),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    headers,
    contentType: 'text/plain',
    attachments,
    problems,
  };
}
