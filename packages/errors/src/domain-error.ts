/**
 * The kinds of failure a service may report. Adapters map these, and only
 * these, to HTTP statuses and gRPC codes, so a kind added here needs a line in
 * each mapper (the compiler points at them through exhaustive switches).
 */
export const ERROR_KINDS = [
  'invalid_argument',
  'not_found',
  'already_exists',
  'permission_denied',
  'unauthenticated',
  'failed_precondition',
  'resource_exhausted',
  'unavailable',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** One invalid field of a request, e.g. `{ field: 'email', reason: 'must be an address' }`. */
export interface FieldViolation {
  field: string;
  reason: string;
}

export interface DomainErrorOptions {
  details?: readonly FieldViolation[];
  /** When the caller may try again; meaningful for resource_exhausted and unavailable. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * A brand rather than `instanceof` alone: a second copy of this package (a
 * test mapping to src while a dependency loads dist) makes a second class, and
 * its errors must still be recognised.
 */
const BRAND = Symbol.for('@omni/errors.DomainError');

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly details: readonly FieldViolation[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isDomainError(value: unknown): value is DomainError {
  if (value instanceof DomainError) return true;
  return (
    value instanceof Error &&
    (value as unknown as Record<symbol, unknown>)[BRAND] === true &&
    (ERROR_KINDS as readonly unknown[]).includes((value as { kind?: unknown }).kind)
  );
}
