/** How many references a message keeps from each end of its chain. */
export const REFERENCES_KEPT_PER_END = 50;

/** Message-IDs travel without angle brackets, trimmed (the email contract). */
export function normalizeMessageId(value: string | undefined | null): string {
  if (!value) return '';
  const trimmed = value.trim();
  const bracketed = /<([^<>]*)>/.exec(trimmed);
  return (bracketed ? (bracketed[1] ?? '') : trimmed).trim();
}

/** All ids of a References / In-Reply-To value: bracketed ids, or whitespace-separated ones when nothing is bracketed. */
export function parseMessageIdList(value: string | readonly string[] | undefined | null): string[] {
  if (!value) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const bracketed = [...text.matchAll(/<([^<>]*)>/g)].map((m) => (m[1] ?? '').trim());
  const ids = bracketed.length > 0 ? bracketed : text.split(/[\s,]+/);
  return ids.map((id) => id.trim()).filter((id) => id.length > 0);
}

/**
 * A References chain bounded in size: deduplicated, without the message's own
 * id, keeping the root end (where the conversation started) and the recent end
 * (what it answers), which is what threading needs from it.
 */
export function capReferences(
  references: readonly string[],
  selfId: string,
  perEnd = REFERENCES_KEPT_PER_END,
): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const raw of references) {
    const id = normalizeMessageId(raw);
    if (!id || id === selfId || seen.has(id)) continue;
    seen.add(id);
    unique.push(id);
  }
  if (unique.length <= perEnd * 2) return unique;
  return [...unique.slice(0, perEnd), ...unique.slice(-perEnd)];
}

/** The domain part of a Message-ID (after the last "@"), lower-cased. */
export function messageIdDomain(id: string): string {
  const at = id.lastIndexOf('@');
  return at < 0 ? '' : id.slice(at + 1).toLowerCase();
}
