import type { Request } from 'express';

/** The body's exact bytes (the service reads `/webhooks` bodies raw); empty when the request had none. */
export function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
