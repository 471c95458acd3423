import { MERGE_STEPS, stepsFrom, survivingThread, sweepsAhead } from './merge-plan';

describe('merge plan', () => {
  it('resumes from the recorded step', () => {
    expect(stepsFrom('recount')).toEqual(['recount', 'events', 'done']);
    expect(stepsFrom('mark')).toEqual([...MERGE_STEPS]);
  });

  it('tells whether a running merge will still sweep what lands now', () => {
    expect(sweepsAhead('identities')).toBe(true);
    expect(sweepsAhead('thread')).toBe(true);
    expect(sweepsAhead('conversations')).toBe(false);
  });

  it('keeps the older open thread, whichever side it is on', () => {
    const older = { id: 'conv_b', createdAt: new Date(1_000) };
    const newer = { id: 'conv_a', createdAt: new Date(2_000) };
    expect(survivingThread(newer, older)).toEqual({ survivorId: 'conv_b', mergedId: 'conv_a' });
    expect(survivingThread(older, newer)).toEqual({ survivorId: 'conv_b', mergedId: 'conv_a' });
    const tie = { id: 'conv_c', createdAt: new Date(1_000) };
    expect(survivingThread(tie, older)).toEqual(survivingThread(older, tie));
  });
});
