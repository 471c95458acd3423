/** How many Message-IDs one inbound mail may look up: bounds the cost of a hostile References header. */
export const MAX_REFERENCE_LOOKUP = 50;
/** Outbound References keep the thread root(s) and the most recent ids (the contract's "first and last 20"). */
export const OUTBOUND_REFERENCES_EDGE = 20;
/** Stored References keep this many at each end: enough for every reply and lookup, bounded in size. */
export const STORED_REFERENCES_EDGE = 50;

/** Message-IDs are stored and compared without angle brackets, trimmed. */
export function normalizeMessageId(value: string): string {
  const trimmed = value.trim();
  const unwrapped = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  return unwrapped.trim();
}

/**
 * The Message-IDs to look up for threading, most telling first: In-Reply-To
 * (the direct parent), then References from newest to oldest. Deduplicated,
 * without the mail's own Message-ID (a self-reference or a cycle must not
 * thread a mail onto itself), capped: the newest refs plus the thread root.
 */
export function referenceCandidates(
  threading: { messageIdHeader?: string; inReplyTo?: string; references?: readonly string[] },
  max = MAX_REFERENCE_LOOKUP,
): string[] {
  const own = normalizeMessageId(threading.messageIdHeader ?? '');
  const refs = threading.references ?? [];
  // Only the edges of the list can matter: the root (first) and the newest (last) entries.
  const newest = refs.slice(Math.max(0, refs.length - max)).reverse();
  const ordered = [threading.inReplyTo ?? '', ...newest, refs[0] ?? ''];
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of ordered) {
    const id = normalizeMessageId(raw);
    if (!id || id === own || seen.has(id) || id.length > 998) continue;
    seen.add(id);
    result.push(id);
    if (result.length >= max) break;
  }
  return result;
}

/** The References of a reply: the parent's references plus its Message-ID, keeping the first and last 20. */
export function replyReferences(parentReferences: readonly string[], parentMessageId: string): string[] {
  return capReferences([...parentReferences, parentMessageId], OUTBOUND_REFERENCES_EDGE);
}

/** Deduplicated, normalized references keeping the first and last `edge` (roots and the newest). */
export function capReferences(references: readonly string[], edge: number): string[] {
  const seen = new Set<string>();
  const deduped: string[] = [];
  // Only the edges can survive the cap: read no more of a hostile list than that.
  const scan =
    references.length > edge * 8 ? [...references.slice(0, edge * 4), ...references.slice(-edge * 4)] : references;
  for (const raw of scan) {
    const id = normalizeMessageId(raw);
    if (id && !seen.has(id)) {
      seen.add(id);
      deduped.push(id);
    }
  }
  if (deduped.length <= edge * 2) return deduped;
  return [...deduped.slice(0, edge), ...deduped.slice(-edge)];
}

/** Of the stored messages matched by the lookup, the one whose id ranks first among the candidates. */
export function bestReferenceMatch<T extends { messageIdHeader: string }>(
  candidates: readonly string[],
  matches: readonly T[],
): T | undefined {
  let best: T | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const match of matches) {
    const rank = candidates.indexOf(match.messageIdHeader);
    if (rank >= 0 && rank < bestRank) {
      best = match;
      bestRank = rank;
    }
  }
  return best;
}
