import { normalizeMessageId } from './message-id';

export interface DeliveryReport {
  /** failed, delayed, delivered, relayed or expanded (RFC 3464), of the first recipient. */
  action: string;
  status: string;
  diagnosticCode: string;
  finalRecipient: string;
}

/** Header-like fields of a block of text, unfolded, by lower-case name (first one wins). */
export function readFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last = '';
  for (const line of block.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
    else last = '';
  }
  return fields;
}

/** The per-recipient fields of a message/delivery-status part (the per-message block comes first). */
export function parseDeliveryReport(text: string): DeliveryReport | undefined {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const block of blocks) {
    const fields = readFields(block);
    const action = fields.get('action');
    if (!action) continue;
    return {
      action: action.toLowerCase(),
      status: fields.get('status') ?? '',
      diagnosticCode: fields.get('diagnostic-code') ?? '',
      finalRecipient: (fields.get('final-recipient') ?? '').replace(/^rfc822\s*;\s*/i, ''),
    };
  }
  return undefined;
}

/** The report says delivery failed for good (not a delay or a success notice). */
export function isPermanentFailure(report: DeliveryReport): boolean {
  return report.action === 'failed' || (report.action !== 'delayed' && report.status.startsWith('5'));
}

/** The Message-ID in the returned message or its headers, without brackets, or ''. */
export function returnedMessageId(returnedHeaders: string): string {
  const headerBlock = returnedHeaders.replace(/\r\n?/g, '\n').split(/\n\s*\n/)[0] ?? '';
  return normalizeMessageId(readFields(headerBlock).get('message-id'));
}

/** What a failure notice tells an agent: the diagnostic code, else the status. */
export function failureReason(report: DeliveryReport): string {
  const diagnostic = report.diagnosticCode.replace(/^smtp\s*;\s*/i, '');
  return [report.status, diagnostic].filter(Boolean).join(' ');
}
