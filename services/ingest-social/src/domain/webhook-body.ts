import { InvalidArgumentError } from '@omni/errors';

export const DEFAULT_MAX_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and parses a webhook body deterministically: invalid UTF-8 and JSON nested
 * deeper than `maxDepth` are refused before JSON.parse sees them, so a hostile
 * body costs one linear scan and never a deep recursion.
 */
export function parseWebhookJson(raw: Buffer, maxDepth = DEFAULT_MAX_DEPTH): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new InvalidArgumentError('body is not valid UTF-8');
  }
  const depth = nestingDepth(text);
  if (depth > maxDepth) throw new InvalidArgumentError(`JSON nested deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    throw new InvalidArgumentError(`malformed JSON body: ${(error as Error).message}`);
  }
}

/** The deepest nesting of objects and arrays, ignoring brackets inside strings. Iterative. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return max;
}
