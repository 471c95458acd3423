/**
 * The steps of a merge, in order. Each is idempotent and recorded on the
 * merge document once done, so a retry after a crash resumes at the first
 * step not recorded.
 */
export const MERGE_STEPS = [
  'mark',
  'identities',
  'thread',
  'conversations',
  'messages',
  'recount',
  'events',
  'done',
] as const;

export type MergeStep = (typeof MERGE_STEPS)[number];

export function stepsFrom(step: MergeStep): MergeStep[] {
  return MERGE_STEPS.slice(MERGE_STEPS.indexOf(step));
}

/** Whether a running merge has not yet started sweeping conversations: it will still pick up what lands now. */
export function sweepsAhead(step: MergeStep): boolean {
  return MERGE_STEPS.indexOf(step) < MERGE_STEPS.indexOf('conversations');
}

export interface ThreadCandidate {
  id: string;
  createdAt: Date;
}

/** When both customers have an open thread, the older one survives (ties by id, so every retry agrees). */
export function survivingThread(a: ThreadCandidate, b: ThreadCandidate): { survivorId: string; mergedId: string } {
  const aFirst =
    a.createdAt.getTime() < b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id < b.id);
  return aFirst ? { survivorId: a.id, mergedId: b.id } : { survivorId: b.id, mergedId: a.id };
}
