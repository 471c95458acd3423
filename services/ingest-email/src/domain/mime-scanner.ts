import type { ParseProblem } from '@omni/contracts';
import { readFields } from './delivery-report';

export interface MimeScan {
  problems: ParseProblem[];
  /** Top-level headers, unfolded, by lower-case name (first occurrence); still RFC 2047-encoded. */
  headers: Map<string, string>;
  /** Body of a message/delivery-status part. */
  deliveryStatus?: string;
  /** Headers of a returned message/rfc822 or text/rfc822-headers part. */
  returnedHeaders?: string;
}

interface Part {
  headerLines: string[];
  inHeaders: boolean;
  base64: boolean;
  capture?: 'deliveryStatus' | 'returnedHeaders';
}

const MAX_LINE = 64 * 1024;
const MAX_CAPTURE = 64 * 1024;
const MAX_DEPTH = 50;

/**
 * A line-by-line pass over raw MIME, beside the real parser, noticing what a
 * lenient parser silently repairs (a multipart without boundary, base64 that is
 * not base64, a charset nobody can decode) and keeping the top-level headers
 * and delivery-report parts even when the parser gives up. Memory stays
 * bounded: it keeps one line and small captures, never the body.
 */
export class MimeScanner {
  private pending = '';
  private part: Part = newPart();
  private readonly boundaries: string[] = [];
  private readonly problems = new Map<string, ParseProblem>();
  private topHeaders?: Map<string, string>;
  private captured: { deliveryStatus?: string; returnedHeaders?: string } = {};

  push(chunk: Buffer): void {
    const text = this.pending + chunk.toString('latin1');
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.line(text.slice(start, end));
      start = newline + 1;
    }
    this.pending = text.slice(start);
    if (this.pending.length > MAX_LINE) {
      this.line(this.pending);
      this.pending = '';
    }
  }

  end(): MimeScan {
    if (this.pending) this.line(this.pending);
    this.pending = '';
    if (this.part.inHeaders) this.endHeaders();
    return { problems: [...this.problems.values()], headers: this.topHeaders ?? new Map(), ...this.captured };
  }

  private line(line: string): void {
    const part = this.part;
    if (part.inHeaders) {
      if (line === '') this.endHeaders();
      else if (/^[ \t]/.test(line) && part.headerLines.length > 0) {
        part.headerLines[part.headerLines.length - 1] += ` ${line.trim()}`;
      } else part.headerLines.push(line);
      return;
    }
    if (line.startsWith('--') && this.boundaries.length > 0 && this.boundaryLine(line)) return;
    if (part.base64 && !/^[A-Za-z0-9+/]*={0,2}[ \t]*$/.test(line)) {
      this.problem('invalid_base64', 'a base64 part contains characters outside the base64 alphabet');
    }
    if (part.capture) {
      const soFar = this.captured[part.capture] ?? '';
      if (soFar.length < MAX_CAPTURE) this.captured[part.capture] = `${soFar}${line}\r\n`;
    }
  }

  private boundaryLine(line: string): boolean {
    const trimmed = line.trimEnd();
    for (let i = this.boundaries.length - 1; i >= 0; i--) {
      const boundary = this.boundaries[i];
      if (trimmed === `--${boundary}--`) {
        this.boundaries.length = i;
        this.part = { ...newPart(), inHeaders: false };
        return true;
      }
      if (trimmed === `--${boundary}`) {
        this.boundaries.length = i + 1;
        this.part = newPart();
        return true;
      }
    }
    return false;
  }

  private endHeaders(): void {
    const part = this.part;
    part.inHeaders = false;
    const fields = readFields(part.headerLines.join('\n'));
    if (!this.topHeaders) {
      this.topHeaders = fields;
      for (const value of fields.values()) this.checkEncodedWords(value);
    }
    const contentType = parseContentType(fields.get('content-type') ?? 'text/plain');
    part.base64 = (fields.get('content-transfer-encoding') ?? '').trim().toLowerCase() === 'base64';
    if (contentType.type.startsWith('multipart/')) {
      const boundary = contentType.params.get('boundary');
      if (!boundary) this.problem('missing_boundary', `${contentType.type} without a boundary parameter`);
      else if (this.boundaries.length < MAX_DEPTH) this.boundaries.push(boundary);
    }
    const charset = contentType.params.get('charset');
    if (charset && !isKnownCharset(charset)) this.problem('unknown_charset', `charset "${charset}" is not known`);
    if (contentType.type === 'message/delivery-status') part.capture = 'deliveryStatus';
    if (contentType.type === 'message/rfc822' || contentType.type === 'text/rfc822-headers') {
      part.capture = this.captured.returnedHeaders === undefined ? 'returnedHeaders' : undefined;
    }
  }

  private checkEncodedWords(value: string): void {
    for (const match of value.matchAll(/=\?([^?*]+)(?:\*[^?]*)?\?[bBqQ]\?/g)) {
      const charset = match[1] ?? '';
      if (!isKnownCharset(charset)) this.problem('unknown_charset', `header charset "${charset}" is not known`);
    }
  }

  private problem(code: string, detail: string): void {
    if (!this.problems.has(code)) this.problems.set(code, { code, detail });
  }
}

function newPart(): Part {
  return { headerLines: [], inHeaders: true, base64: false };
}

export function parseContentType(value: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const match of rest.join(';').matchAll(/([\w*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/g)) {
    params.set((match[1] ?? '').toLowerCase(), match[2] ?? match[3] ?? '');
  }
  return { type: type.trim().toLowerCase(), params };
}

/** Whether the runtime can decode a charset label (WHATWG encodings, as Node's full ICU knows them). */
export function isKnownCharset(label: string): boolean {
  const name = label.trim().toLowerCase();
  if (name === 'utf8' || name === 'us-ascii' || name === 'ascii') return true;
  try {
    new TextDecoder(name);
    return true;
  } catch {
    return false;
  }
}
