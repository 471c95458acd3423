/**
 * How a failed hand-over to the relay is treated, from nodemailer's error
 * (`responseCode`, `response`, `code`). One place decides, so the rules below
 * are the whole policy:
 *
 * - 5xx (except 503, a protocol hiccup) refuses this message for good: report FAILED with the relay's text.
 * - 4xx, connection errors and timeouts are the relay's trouble, not the message's: retry.
 * - Authentication and TLS failures are retried too, although they carry 5xx codes: they are a
 *   misconfigured relay that fails every message alike, and failing every customer reply for good
 *   during a credential rotation is worse than holding them until someone fixes the secret.
 * - An envelope or message error without a reply code (bad address, too large) is the message's: FAILED.
 */
export type RelayFailure =
  | { kind: 'permanent'; reason: string }
  | { kind: 'transient'; reason: string }
  | { kind: 'unknown' };

const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'EPROTOCOL',
  'EPROXY',
]);
const MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS']);

export function classifyRelayError(error: unknown): RelayFailure {
  if (typeof error !== 'object' || error === null) return { kind: 'unknown' };
  const { code, responseCode, response, message } = error as Record<string, unknown>;
  const reason = typeof response === 'string' && response.length > 0 ? response : String(message ?? 'relay error');
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return { kind: 'transient', reason };
  if (typeof responseCode === 'number') {
    if (responseCode >= 500 && responseCode !== 503) return { kind: 'permanent', reason };
    if (responseCode >= 400) return { kind: 'transient', reason };
  }
  if (typeof code === 'string' && MESSAGE_CODES.has(code)) return { kind: 'permanent', reason };
  return { kind: 'unknown' };
}
