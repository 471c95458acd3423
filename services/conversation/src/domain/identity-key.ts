import { IdentityKind } from '@omni/contracts';
import { InvalidArgumentError } from '@omni/errors';
import { toE164 } from './phone';

/** Values as DESIGN.md normalizes them: emails lower-cased, phones in E.164, platform ids as given. */
export function normalizeIdentityValue(kind: IdentityKind, value: string): string {
  const trimmed = value.trim();
  switch (kind) {
    case IdentityKind.IDENTITY_KIND_EMAIL:
      return trimmed.toLowerCase();
    case IdentityKind.IDENTITY_KIND_PHONE:
      // A WhatsApp sender (wa_id) and a number an integration asserts meet in one E.164 key. What
      // cannot be read as a number keeps the stripped form earlier versions stored, so old keys still match.
      return toE164(trimmed) ?? trimmed.replace(/[\s().-]/g, '');
    default:
      return trimmed;
  }
}

/** The `identities` document id: `${tenant}:${kind}:${normalizedValue}`. */
export function identityKey(tenantId: string, kind: IdentityKind, value: string): string {
  if (kind === IdentityKind.IDENTITY_KIND_UNSPECIFIED || kind === IdentityKind.UNRECOGNIZED) {
    throw new InvalidArgumentError('identity kind is required', {
      details: [{ field: 'identity.kind', reason: 'unspecified' }],
    });
  }
  const normalized = normalizeIdentityValue(kind, value);
  if (!normalized) {
    throw new InvalidArgumentError('identity value is required', {
      details: [{ field: 'identity.value', reason: 'empty' }],
    });
  }
  return `${tenantId}:${IdentityKind[kind].replace('IDENTITY_KIND_', '').toLowerCase()}:${normalized}`;
}
