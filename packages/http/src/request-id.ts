import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

const HEADER = 'X-Request-Id';
/** Only ids that are safe to echo into a header and a log line are reused. */
const ACCEPTED_ID = /^[\w.:-]{1,128}$/;

/**
 * Reuses the caller's X-Request-Id (a gateway's) when it looks sane, so one id
 * follows a request across hops; otherwise mints one. Echoed back so a user
 * reporting a 500 can quote it.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(HEADER);
    const id = incoming !== undefined && ACCEPTED_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader(HEADER, id);
    next();
  };
}

export function requestIdOf(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}
