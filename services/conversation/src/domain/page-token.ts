import { InvalidArgumentError } from '@omni/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** 0 means the default; above the maximum is clamped rather than refused, as Google's API guide suggests. */
export function pageSize(requested: number, max = MAX_PAGE_SIZE): number {
  if (!Number.isInteger(requested) || requested < 0) {
    throw new InvalidArgumentError('page_size must be a non-negative integer', {
      details: [{ field: 'page_size', reason: 'negative' }],
    });
  }
  if (requested === 0) return Math.min(DEFAULT_PAGE_SIZE, max);
  return Math.min(requested, max);
}

/**
 * An opaque cursor: the sort key of the last item returned, as base64url JSON.
 * `kind` stops a token of one list being replayed against another.
 */
export interface Cursor {
  kind: string;
  values: Array<string | number>;
}

export function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.kind, ...cursor.values]), 'utf8').toString('base64url');
}

export function decodePageToken(token: string, kind: string, arity: number): Cursor['values'] | undefined {
  if (!token) return undefined;
  const invalid = () =>
    new InvalidArgumentError('page_token is not valid', { details: [{ field: 'page_token', reason: 'invalid' }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error: unknown) {
    throw new InvalidArgumentError('page_token is not valid', {
      details: [{ field: 'page_token', reason: 'invalid' }],
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind || parsed.length !== arity + 1) throw invalid();
  const values = parsed.slice(1);
  if (!values.every((v) => typeof v === 'string' || typeof v === 'number')) throw invalid();
  return values as Cursor['values'];
}
