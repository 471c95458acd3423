import { IdentityKind } from '@omni/contracts';
import { requireIdentity } from './identity-input';

describe('requireIdentity', () => {
  it('accepts well-formed identities of every kind', () => {
    expect(requireIdentity({ kind: IdentityKind.IDENTITY_KIND_PHONE, value: ' +49 151 12345678 ' })).toEqual({
      kind: IdentityKind.IDENTITY_KIND_PHONE,
      value: '+49 151 12345678',
    });
    expect(requireIdentity({ kind: IdentityKind.IDENTITY_KIND_MESSENGER_PSID, value: '2486' }).value).toBe('2486');
  });

  it('names the field that is wrong', () => {
    expect(() => requireIdentity(undefined)).toThrow('identity.kind is required');
    expect(() => requireIdentity({ kind: IdentityKind.IDENTITY_KIND_EMAIL, value: '' })).toThrow(
      'identity.value is required',
    );
    expect(() => requireIdentity({ kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'ana' })).toThrow(
      'not an email address',
    );
    expect(() => requireIdentity({ kind: IdentityKind.IDENTITY_KIND_PHONE, value: '0151 1234567' })).toThrow(
      'not an international phone number',
    );
    expect(() => requireIdentity({ kind: 99 as IdentityKind, value: 'x' })).toThrow('identity.kind is required');
  });
});
