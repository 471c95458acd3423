/** Telegram's limit on one message's text, in UTF-16 code units as the Bot API counts them. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits text into parts of at most `limit` characters, preferring a line break,
 * then a space, in the second half of each part; a single unbroken run is cut
 * hard (never inside a surrogate pair). Joining the parts gives back the text
 * minus the separators cut at.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const floor = Math.floor(limit / 2);
    let cut = window.lastIndexOf('\n');
    if (cut < floor) cut = window.lastIndexOf(' ');
    let skip = 1;
    if (cut < floor) {
      cut = limit;
      skip = 0;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut + skip);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
