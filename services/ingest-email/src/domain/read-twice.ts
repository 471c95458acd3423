import { PassThrough, type Readable } from 'node:stream';

/**
 * Gives one stream to two readers at the pace of the slower one (the source
 * pauses while either is full), so a mail is stored and parsed in one pass and
 * never held whole. When either reader fails, the source is destroyed, which
 * ends the other reader too, and that first failure is thrown.
 */
export async function readTwice<A, B>(
  source: Readable,
  first: (stream: Readable) => Promise<A>,
  second: (stream: Readable) => Promise<B>,
): Promise<[A, B]> {
  const copies = [new PassThrough(), new PassThrough()] as const;
  source.once('error', (error) => {
    for (const copy of copies) copy.destroy(error);
  });
  for (const copy of copies) {
    // A reader that gave up no longer listens; its copy's error is the failure thrown below.
    copy.on('error', () => undefined);
    source.pipe(copy);
  }
  let failure: { error: unknown } | undefined;
  const guarded = <T>(work: Promise<T>) =>
    work.catch((error: unknown) => {
      failure ??= { error };
      source.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    });
  const [a, b] = await Promise.allSettled([guarded(first(copies[0])), guarded(second(copies[1]))]);
  if (failure) throw failure.error;
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}
