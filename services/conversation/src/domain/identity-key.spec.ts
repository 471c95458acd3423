import { IdentityKind } from '@omni/contracts';
import { identityKey } from './identity-key';

describe('identityKey', () => {
  it('normalizes values per kind', () => {
    expect(identityKey('t', IdentityKind.IDENTITY_KIND_EMAIL, ' Alice@Example.COM ')).toBe('t:email:alice@example.com');
    expect(identityKey('t', IdentityKind.IDENTITY_KIND_PHONE, '+49 151 123-45')).toBe('t:phone:+4915112345');
    expect(identityKey('t', IdentityKind.IDENTITY_KIND_MESSENGER_PSID, 'AbC')).toBe('t:messenger_psid:AbC');
  });

  it('refuses an empty value or an unspecified kind', () => {
    expect(() => identityKey('t', IdentityKind.IDENTITY_KIND_EMAIL, ' ')).toThrow('identity value');
    expect(() => identityKey('t', IdentityKind.IDENTITY_KIND_UNSPECIFIED, 'x')).toThrow('identity kind');
  });
});
