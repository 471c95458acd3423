import {
  bestReferenceMatch,
  capReferences,
  MAX_REFERENCE_LOOKUP,
  normalizeMessageId,
  referenceCandidates,
  replyReferences,
} from './references';

describe('normalizeMessageId', () => {
  it('strips angle brackets and whitespace', () => {
    expect(normalizeMessageId('  <a@b.c> ')).toBe('a@b.c');
    expect(normalizeMessageId('a@b.c')).toBe('a@b.c');
  });
});

describe('referenceCandidates', () => {
  it('puts In-Reply-To first, then References newest first, deduplicated', () => {
    expect(
      referenceCandidates({ messageIdHeader: 'self@x', inReplyTo: '<c@x>', references: ['<a@x>', 'b@x', 'c@x'] }),
    ).toEqual(['c@x', 'b@x', 'a@x']);
  });

  it("never looks up the mail's own Message-ID (self-reference or cycle)", () => {
    expect(
      referenceCandidates({ messageIdHeader: '<self@x>', inReplyTo: 'self@x', references: ['self@x', '<self@x>'] }),
    ).toEqual([]);
  });

  it('caps a huge References list, keeping the newest entries and the thread root', () => {
    const references = Array.from({ length: 10_000 }, (_, i) => `r${i}@x`);
    const candidates = referenceCandidates({ messageIdHeader: 'm@x', inReplyTo: '', references });
    expect(candidates).toHaveLength(MAX_REFERENCE_LOOKUP);
    expect(candidates[0]).toBe('r9999@x');
    expect(candidates).toContain('r9951@x');
  });

  it('keeps the root when the list fits', () => {
    expect(referenceCandidates({ references: ['root@x', 'mid@x'] }, 3)).toEqual(['mid@x', 'root@x']);
  });
});

describe('replyReferences', () => {
  it('appends the parent and keeps the first and last 20', () => {
    const parent = Array.from({ length: 60 }, (_, i) => `<r${i}@x>`);
    const refs = replyReferences(parent, 'p@x');
    expect(refs).toHaveLength(40);
    expect(refs[0]).toBe('r0@x');
    expect(refs[19]).toBe('r19@x');
    expect(refs[39]).toBe('p@x');
    expect(refs[38]).toBe('r59@x');
  });

  it('deduplicates', () => {
    expect(replyReferences(['a@x', 'a@x', 'b@x'], 'b@x')).toEqual(['a@x', 'b@x']);
  });
});

describe('capReferences', () => {
  it('reads only the edges of a hostile list', () => {
    const refs = Array.from({ length: 100_000 }, (_, i) => `r${i}@x`);
    const capped = capReferences(refs, 50);
    expect(capped).toHaveLength(100);
    expect(capped[0]).toBe('r0@x');
    expect(capped[99]).toBe('r99999@x');
  });
});

describe('bestReferenceMatch', () => {
  it('prefers the match ranked first among the candidates', () => {
    const matches = [
      { messageIdHeader: 'old@x', conversationId: 'c1' },
      { messageIdHeader: 'parent@x', conversationId: 'c2' },
    ];
    expect(bestReferenceMatch(['parent@x', 'old@x'], matches)?.conversationId).toBe('c2');
    expect(bestReferenceMatch(['none@x'], matches)).toBeUndefined();
  });
});
