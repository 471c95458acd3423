import express, { type Express, type Request } from 'express';

/**
 * Webhook signatures cover the body's exact bytes, but the shared HTTP app parses
 * every JSON body up front and the bytes are gone by the time a route runs. This
 * mounts a raw-bytes reader for `path` and moves it ahead of that JSON parser;
 * the parser then sees a finished request and leaves `req.body` (a Buffer) alone.
 * A raw-body option in @omni/http would make this unnecessary.
 */
export function mountRawBodyFirst(app: Express, path: string, limitBytes: number): void {
  app.use(path, express.raw({ type: () => true, limit: limitBytes }));
  const stack = (app.router as unknown as { stack: { name: string }[] }).stack;
  const raw = stack.pop();
  const jsonAt = stack.findIndex((layer) => layer.name === 'jsonParser');
  if (!raw || jsonAt < 0) throw new Error('mountRawBodyFirst: the JSON parser of the HTTP app was not found');
  stack.splice(jsonAt, 0, raw);
}

/** The body's bytes; empty when the request had none. */
export function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
