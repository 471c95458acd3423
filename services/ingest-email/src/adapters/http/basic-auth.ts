import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '@omni/errors';
import type { Request } from 'express';

/**
 * Checks HTTP basic credentials against "user:pass" in constant time (both
 * sides hashed first, so their lengths leak nothing either).
 */
export function requireBasicAuth(req: Request, expected: string): void {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const given = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (!match || !timingSafeEqual(digest(given), digest(expected))) {
    throw new UnauthenticatedError('missing or wrong credentials for this webhook');
  }
}
