import { toE164 } from './phone';

describe('toE164', () => {
  it('reads the forms people, integrations and WhatsApp use as one number', () => {
    const forms = ['+49 151 12345678', '0049 151 1234-5678', '+49 (0)151 12345678', '4915112345678', '+4915112345678'];
    expect(new Set(forms.map(toE164))).toEqual(new Set(['+4915112345678']));
  });

  it('refuses what cannot be an international number', () => {
    expect(toE164('0151 12345678')).toBeUndefined();
    expect(toE164('call me')).toBeUndefined();
    expect(toE164('+1')).toBeUndefined();
  });
});
