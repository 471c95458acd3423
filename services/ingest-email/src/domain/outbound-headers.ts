/**
 * Pure builders for the header values of an outbound mail. Every value that
 * reaches a header goes through `sanitizeHeaderValue`: a CR or LF in a
 * subject or a name would otherwise let a sender append headers of its own
 * (`Hi\r\nBcc: evil@x`).
 */

/** Replaces CR, LF and other control characters (tab excepted) with spaces. */
export function sanitizeHeaderValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/\r\n|[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ').trim();
}

/** A Message-ID without angle brackets, trimmed; undefined when it cannot be a msg-id (spaces, brackets, no @). */
export function normalizeMessageId(value: string): string | undefined {
  const bare = value.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  if (bare.length === 0 || bare.length > 250 || !bare.includes('@')) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are invalid in a msg-id
  if (/[\s<>\u0000-\u001f\u007f]/.test(bare)) return undefined;
  return bare;
}

export function angleBracketed(messageId: string): string {
  return `<${messageId}>`;
}

// Re:, RE:, Fwd:, AW: (German), SV: (Nordic), VS:/VL: (Finnish), TR: (French), WG: (German forward), RE[2]: ...
const REPLY_PREFIX = /^\s*(re|fw|fwd|aw|sv|vs|vl|tr|wg|antw|ref|rif|odp|res)(\s*\[\d+\])?\s*:\s*/i;

/** The subject without any leading reply or forward prefixes, as Outlook's Thread-Topic carries it. */
export function stripReplyPrefixes(subject: string): string {
  let current = sanitizeHeaderValue(subject);
  for (let previous = ''; previous !== current; ) {
    previous = current;
    current = current.replace(REPLY_PREFIX, '');
  }
  return current;
}

/** Thread-Topic: the customer's own when it sent one, otherwise the normalized subject. */
export function threadTopicOf(threadTopic: string, subject: string): string {
  const given = sanitizeHeaderValue(threadTopic);
  return given.length > 0 ? given : stripReplyPrefixes(subject);
}

const TOKEN = /^[a-z0-9]{1,64}$/i;

/**
 * `local+c_<token>@domain` from the inbox's From address, so the customer's
 * reply carries the conversation token back. Undefined when the token is
 * missing or not a plain token (never let it shape an address).
 */
export function replyToAddress(fromAddress: string, token: string): string | undefined {
  const at = fromAddress.lastIndexOf('@');
  if (at <= 0 || !TOKEN.test(token)) return undefined;
  return `${fromAddress.slice(0, at)}+c_${token.toLowerCase()}${fromAddress.slice(at)}`;
}

/** The domain part of an address (for generated Message-IDs). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * References as sent: valid ids only, without duplicates, keeping the first
 * and the last `keep` (the root and the recent replies matter for threading).
 */
export function referencesOf(ids: readonly string[], keep = 20): string[] {
  const valid = [...new Set(ids.map(normalizeMessageId).filter((id): id is string => id !== undefined))];
  return valid.length <= keep * 2 ? valid : [...valid.slice(0, keep), ...valid.slice(-keep)];
}
