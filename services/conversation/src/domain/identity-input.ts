import { type Identity, IdentityKind } from '@omni/contracts';
import { InvalidArgumentError } from '@omni/errors';
import { toE164 } from './phone';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An identity a caller names through the API, checked before it can become a
 * link: a known kind, a value, an address that looks like one, a phone that
 * reads as an international number.
 */
export function requireIdentity(identity: Identity | undefined, field = 'identity'): Identity {
  const kind = identity?.kind;
  if (!identity || !kind || kind === IdentityKind.UNRECOGNIZED || !(kind in IdentityKind)) {
    throw new InvalidArgumentError(`${field}.kind is required`, {
      details: [{ field: `${field}.kind`, reason: 'unspecified' }],
    });
  }
  const value = identity.value.trim();
  if (!value) {
    throw new InvalidArgumentError(`${field}.value is required`, {
      details: [{ field: `${field}.value`, reason: 'empty' }],
    });
  }
  if (identity.kind === IdentityKind.IDENTITY_KIND_EMAIL && !EMAIL.test(value)) {
    throw new InvalidArgumentError(`${field}.value is not an email address`, {
      details: [{ field: `${field}.value`, reason: 'expected an email address' }],
    });
  }
  if (identity.kind === IdentityKind.IDENTITY_KIND_PHONE && !toE164(value)) {
    throw new InvalidArgumentError(`${field}.value is not an international phone number`, {
      details: [{ field: `${field}.value`, reason: 'expected E.164, e.g. +4915112345678' }],
    });
  }
  return { kind: identity.kind, value };
}
