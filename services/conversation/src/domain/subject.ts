/**
 * Reply and forward prefixes of the mail clients we see (English, German,
 * Nordic, Dutch, Italian, French, Spanish), optionally counted as in `RE[2]:`
 * or `Re(2):`. Matched case-insensitively, repeatedly, so "Re: AW: Fwd: x" is "x".
 */
const PREFIX = /^\s*(?:re|aw|sv|vs|antw|r|fwd?|fw|wg|tr|rv)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;
const REPLY_PREFIX = /^\s*(?:re|aw|sv|vs|antw|r)\s*(?:\[\d+\]|\(\d+\))?\s*:/i;

/** The subject without reply/forward prefixes, whitespace collapsed and lower-cased: the subject rule's key. */
export function normalizeSubject(subject: string): string {
  let rest = subject;
  // Bounded: each pass removes at least one character.
  for (let match = PREFIX.exec(rest); match && match[0].length > 0; match = PREFIX.exec(rest)) {
    rest = rest.slice(match[0].length);
  }
  return rest.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** 'Re: ' + the conversation's subject, unless it already reads as a reply. */
export function replySubject(subject: string): string {
  const trimmed = subject.trim();
  if (REPLY_PREFIX.test(trimmed)) return trimmed;
  return trimmed ? `Re: ${trimmed}` : 'Re:';
}

/** The subject shown for a conversation: the first message's, without prefixes but in its own case. */
export function displaySubject(subject: string): string {
  let rest = subject;
  for (let match = PREFIX.exec(rest); match && match[0].length > 0; match = PREFIX.exec(rest)) {
    rest = rest.slice(match[0].length);
  }
  return rest.replace(/\s+/g, ' ').trim();
}
