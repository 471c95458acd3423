import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ParseProblem } from '@omni/contracts';
import { type AddressObject, type ParsedMail, type SimpleParserOptions, simpleParser } from 'mailparser';
import { normalizeMessageId, parseMessageIdList } from './message-id';
import { type MimeScan, MimeScanner, parseContentType } from './mime-scanner';
import type { Mailbox, ParsedEmail } from './parsed-email';

/** mailparser's simpleParser, replaceable to exercise what happens when it throws. */
export type MailParserFn = (source: Readable, options: SimpleParserOptions) => Promise<ParsedMail>;

/**
 * Parses raw MIME read once from `source`: mailparser decodes it while the
 * scanner notes what mailparser repairs silently. A mail mailparser cannot
 * parse still yields a ParsedEmail from the headers the scanner kept, flagged
 * 'parse_failed'; only a failure of the source itself (the blob store) rejects.
 * simpleParser holds decoded attachments in memory; the SMTP size cap bounds them.
 */
export async function parseMime(source: Readable, parser: MailParserFn = simpleParser): Promise<ParsedEmail> {
  const scanner = new MimeScanner();
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      scanner.push(chunk);
      callback(null, chunk);
    },
  });
  const flowing = pipeline(source, tee);
  const parsing = parser(tee, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true }).catch(
    (error: unknown) => {
      tee.resume(); // keep reading so the scanner sees everything and the source is not left hanging
      return error instanceof Error ? error : new Error(String(error));
    },
  );
  const [parsed] = await Promise.all([parsing, flowing]);
  const scan = scanner.end();
  if (parsed instanceof Error) return fromHeadersOnly(scan, parsed);
  return fromParsed(parsed, scan);
}

function fromParsed(mail: ParsedMail, scan: MimeScan): ParsedEmail {
  const headers = new Map(scan.headers);
  for (const [name, value] of mail.headers) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const type = parseContentType(scan.headers.get('content-type') ?? 'text/plain');
  const messageId = normalizeMessageId(mail.messageId);
  return {
    from: mail.from?.value[0] ? mailbox(mail.from.value[0]) : undefined,
    to: mailboxes(mail.to),
    cc: mailboxes(mail.cc),
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    messageId,
    inReplyTo: parseMessageIdList(mail.inReplyTo)[0] ?? '',
    references: parseMessageIdList(mail.references),
    date: validDate(scan.headers.get('date'), mail.date),
    headers,
    contentType: type.type,
    reportType: type.params.get('report-type')?.toLowerCase(),
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType || 'application/octet-stream',
      content: attachment.content,
      contentId: attachment.contentId ? normalizeMessageId(attachment.contentId) : undefined,
      inline: attachment.contentDisposition === 'inline' || attachment.related === true,
    })),
    problems: scan.problems,
    deliveryStatus: scan.deliveryStatus,
    returnedHeaders: scan.returnedHeaders,
  };
}

/** What can be said of a mail mailparser rejected: its raw top-level headers. */
function fromHeadersOnly(scan: MimeScan, error: Error): ParsedEmail {
  const header = (name: string) => scan.headers.get(name);
  const problem: ParseProblem = { code: 'parse_failed', detail: error.message.slice(0, 500) };
  const type = parseContentType(header('content-type') ?? 'text/plain');
  const from = /<?([^\s<>"]+@[^\s<>"]+)>?\s*$/.exec(header('from') ?? '');
  return {
    from: from ? { address: from[1] ?? '', name: '' } : undefined,
    to: [],
    cc: [],
    subject: header('subject') ?? '',
    text: '',
    html: '',
    messageId: normalizeMessageId(header('message-id')),
    inReplyTo: parseMessageIdList(header('in-reply-to'))[0] ?? '',
    references: parseMessageIdList(header('references')),
    date: validDate(header('date'), undefined),
    headers: scan.headers,
    contentType: type.type,
    reportType: type.params.get('report-type')?.toLowerCase(),
    attachments: [],
    problems: [...scan.problems, problem],
    deliveryStatus: scan.deliveryStatus,
    returnedHeaders: scan.returnedHeaders,
  };
}

/** mailparser substitutes "now" for a missing or invalid Date; the raw header decides whether there was one. */
function validDate(raw: string | undefined, parsed: Date | undefined): Date | undefined {
  if (!raw || Number.isNaN(Date.parse(raw.replace(/\([^)]*\)/g, '').trim()))) return undefined;
  const date = parsed ?? new Date(raw);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function mailbox(value: { address?: string; name?: string }): Mailbox {
  return { address: value.address ?? '', name: value.name ?? '' };
}

function mailboxes(field: AddressObject | AddressObject[] | undefined): Mailbox[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects
    .flatMap((object) => object.value.flatMap((entry) => (entry.group ? entry.group : [entry])))
    .map(mailbox)
    .filter((m) => m.address.length > 0);
}
