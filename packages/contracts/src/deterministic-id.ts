import { createHash } from 'node:crypto';

/**
 * An id derived from its cause, so a replay produces the same id and every
 * write keyed by it is idempotent. Parts are length-prefixed so that
 * ("a:b", "c") and ("a", "b:c") never collide.
 */
export function deterministicId(prefix: string, ...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(`${Buffer.byteLength(part)}:`);
    hash.update(part);
  }
  return `${prefix}_${hash.digest('base64url').slice(0, 26)}`;
}
