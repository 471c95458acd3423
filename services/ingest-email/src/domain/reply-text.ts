/** Attribution lines mail clients put above the quoted history, in several languages. */
const ATTRIBUTION_START = /^\s*(On|Am|Le|El|Il|Op|Den|Em)\s.+/i;
const ATTRIBUTION_END = /(wrote|schrieb|a écrit|escribió|ha scritto|schreef|skrev|escreveu)[^\n]*:\s*$/i;
const SEPARATORS = [
  /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)\s*-{2,}\s*$/i,
  /^\s*_{10,}\s*$/,
  /^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
];
const OUTLOOK_FROM = /^\s*\*?(From|Von|De)\s*:\*?\s/i;
const OUTLOOK_SENT = /^\s*\*?(Sent|Gesendet|Envoyé|Date|Enviado)\s*:\*?\s/i;

/**
 * The new part of a reply: the text above the quoted history. Cuts at the
 * first quoted line ('>'), an "On ... wrote:" attribution (also wrapped over
 * up to three lines), an "-----Original Message-----" separator, or an Outlook
 * header block ("From: ..." followed by "Sent: ..."). Trailing blank lines go.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (isHistoryStart(lines, i)) {
      cut = i;
      break;
    }
  }
  return lines.slice(0, cut).join('\n').replace(/\s+$/, '');
}

function isHistoryStart(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (line.startsWith('>')) return true;
  if (SEPARATORS.some((separator) => separator.test(line))) return true;
  if (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 4).some((next) => OUTLOOK_SENT.test(next))) return true;
  if (ATTRIBUTION_START.test(line)) {
    for (let n = 1; n <= 3; n++) {
      if (ATTRIBUTION_END.test(lines.slice(i, i + n).join(' '))) return true;
    }
  }
  return false;
}
