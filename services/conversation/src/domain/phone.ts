import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * A phone number in E.164, or undefined when it cannot be one. Accepts what
 * people and platforms write: spaces, dashes, brackets, a `00` international
 * prefix, a national trunk `(0)` after the country code, and WhatsApp's wa_id
 * (the international number without `+`). Without a country code a number is
 * ambiguous, so it is refused rather than guessed.
 */
export function toE164(raw: string): string | undefined {
  let value = raw.trim().replace(/[\s().-]/g, '');
  if (value.startsWith('00')) value = `+${value.slice(2)}`;
  if (/^\d+$/.test(value)) value = `+${value}`;
  if (!/^\+\d{4,17}$/.test(value)) return undefined;
  const parsed = parsePhoneNumberFromString(value);
  return parsed?.isPossible() ? parsed.number : undefined;
}
