import { InvalidArgumentError } from '@omni/errors';

/**
 * Where a watch stands in omni.conversation-events.v1: at index p, the offset of the first
 * event of partition p not yet behind the watcher. Kafka offsets are the same for every reader,
 * so a position one replica hands out resumes on any other, whatever order each replica
 * happened to read the partitions in.
 */
export type OffsetVector = readonly number[];

const VERSION = 1;
/** Far above any partition count; bounds the work a hostile token can ask for. */
const MAX_TOKEN_CHARS = 2_048;

/** base64url of a version byte and one unsigned LEB128 varint per partition. */
export function encodePosition(vector: OffsetVector): string {
  const bytes: number[] = [VERSION];
  for (const offset of vector) {
    // Arithmetic rather than bit operators, which would cut offsets to 32 bits.
    let rest = offset;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) + 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  }
  return Buffer.from(bytes).toString('base64url');
}

/** The vector a token encodes; InvalidArgumentError naming `field` when it is not one this server made. */
export function decodePosition(token: string, field: string): OffsetVector {
  const invalid = (reason: string) =>
    new InvalidArgumentError(`${field} is not a watch position (${reason})`, { details: [{ field, reason }] });
  if (token.length > MAX_TOKEN_CHARS) throw invalid('too long');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid('not base64url');
  const bytes = Buffer.from(token, 'base64url');
  if (bytes[0] !== VERSION) throw invalid('unknown version');
  const vector: number[] = [];
  let value = 0;
  let scale = 1;
  for (let i = 1; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    value += (byte % 0x80) * scale;
    if (value > Number.MAX_SAFE_INTEGER) throw invalid('offset out of range');
    if (byte >= 0x80) {
      scale *= 0x80;
      continue;
    }
    vector.push(value);
    value = 0;
    scale = 1;
  }
  if (scale !== 1) throw invalid('truncated');
  if (vector.length === 0) throw invalid('no partitions');
  // Only the canonical spelling is accepted: stray trailing bits or padded varints mean a forged token.
  if (encodePosition(vector) !== token) throw invalid('not canonical');
  return vector;
}

/** Element-wise maximum: the position past everything either vector is past. */
export function furthest(a: OffsetVector, b: OffsetVector): OffsetVector {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, p) => Math.max(a[p] ?? 0, b[p] ?? 0));
}
