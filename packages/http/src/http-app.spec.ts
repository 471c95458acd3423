import {
  AlreadyExistsError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from '@omni/errors';
import { createLogger } from '@omni/logging';
import { Router } from 'express';
import { createHttpApp, finalizeHttpApp, type HttpApp } from './http-app';
import { type RunningHttpServer, startHttpServer } from './http-server';
import type { ReadinessCheck } from './readiness';

interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

async function start(readiness: ReadinessCheck[] = [], bodyLimit?: string) {
  const logs: LogLine[] = [];
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const http = createHttpApp({ service: 'test', logger, readiness, readinessTimeoutMs: 100, bodyLimit });
  http.app.get('/conversations/:id', (req) => {
    throw new NotFoundError(`conversation ${req.params.id} not found`);
  });
  http.app.get('/boom', async () => {
    throw new Error('mongo at 10.0.0.7 refused auth for user admin');
  });
  const v1 = Router();
  v1.get('/things/:id', (_req, res) => {
    res.json({ ok: true });
  });
  http.app.use('/v1', v1);
  http.app.post(['/echo', '/large/echo', '/raw/echo'], (req, res) => {
    res.json(Buffer.isBuffer(req.body) ? { raw: req.body.toString('base64') } : req.body);
  });
  const errors = {
    invalid: new InvalidArgumentError('bad input', { details: [{ field: 'text', reason: 'required' }] }),
    unauthenticated: new UnauthenticatedError('missing token'),
    denied: new PermissionDeniedError('agents only'),
    exists: new AlreadyExistsError('identity taken'),
    precondition: new FailedPreconditionError('conversation resolved'),
    exhausted: new ResourceExhaustedError('slow down', { retryAfterSeconds: 7 }),
    unavailable: new UnavailableError('store down'),
    internal: new InternalError('invariant broken: negative load'),
  };
  http.app.get('/errors/:name', (req) => {
    throw errors[req.params.name as keyof typeof errors];
  });
  finalizeHttpApp(http.app);
  const server = await startHttpServer(http.app, { port: 0, host: '127.0.0.1' });
  return { http, server, logs, url: `http://127.0.0.1:${server.port}` };
}

describe('createHttpApp', () => {
  let ctx: { http: HttpApp; server: RunningHttpServer; logs: LogLine[]; url: string };
  afterEach(async () => {
    await ctx.server.close();
  });

  it('answers /healthz while the process lives', async () => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when every check passes', async () => {
    ctx = await start([{ name: 'kafka', check: async () => {} }]);
    const res = await fetch(`${ctx.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { kafka: 'ok' } });
  });

  it('answers /readyz 503 naming the failing and the hung check', async () => {
    ctx = await start([
      { name: 'kafka', check: async () => {} },
      { name: 'store', check: async () => Promise.reject(new Error('connection refused')) },
      { name: 'blob', check: () => new Promise<void>(() => {}) },
    ]);
    const res = await fetch(`${ctx.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: { kafka: 'ok', store: 'error: connection refused', blob: 'error: timed out after 100 ms' },
    });
    expect(ctx.logs.filter((l) => l.msg === 'not ready')).toHaveLength(1);
  });

  it('turns /readyz to 503 once shutting down, while /healthz stays 200', async () => {
    ctx = await start([{ name: 'kafka', check: async () => {} }]);
    ctx.http.setShuttingDown();
    const res = await fetch(`${ctx.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', checks: { shutdown: 'error: shutting down' } });
    expect((await fetch(`${ctx.url}/healthz`)).status).toBe(200);
  });

  it('serves Prometheus text with the request histogram by route template', async () => {
    ctx = await start();
    await fetch(`${ctx.url}/conversations/c-42`);
    await fetch(`${ctx.url}/v1/things/t-1`);
    const res = await fetch(`${ctx.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{service="test",method="GET",route="\/conversations\/:id",status_code="404"\} 1/,
    );
    expect(text).toMatch(/_count\{service="test",method="GET",route="\/v1\/things\/:id",status_code="200"\} 1/);
    expect(text).not.toContain('c-42');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it.each([
    ['invalid', 400, 'invalid_argument', 'bad input'],
    ['unauthenticated', 401, 'unauthenticated', 'missing token'],
    ['denied', 403, 'permission_denied', 'agents only'],
    ['exists', 409, 'already_exists', 'identity taken'],
    ['precondition', 409, 'failed_precondition', 'conversation resolved'],
    ['exhausted', 429, 'resource_exhausted', 'slow down'],
    ['unavailable', 503, 'unavailable', 'store down'],
    ['internal', 500, 'internal', 'internal error'],
  ])('answers a thrown %s error with %i and the one error shape', async (name, status, code, message) => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/errors/${name}`);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toBe(message);
  });

  it('includes field violations, the bearer challenge and Retry-After', async () => {
    ctx = await start();
    const invalid = await fetch(`${ctx.url}/errors/invalid`);
    expect(await invalid.json()).toEqual({
      error: { code: 'invalid_argument', message: 'bad input', details: [{ field: 'text', reason: 'required' }] },
    });
    expect((await fetch(`${ctx.url}/errors/unauthenticated`)).headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${ctx.url}/errors/exhausted`)).headers.get('retry-after')).toBe('7');
  });

  it('maps an error thrown by a route to 404 with its message', async () => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/conversations/c-1`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'conversation c-1 not found' } });
  });

  it('hides an unexpected error from the caller and logs it with the request id', async () => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/boom`, { headers: { 'X-Request-Id': 'req-123' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const text = await res.text();
    expect(text).not.toContain('mongo');
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    const logged = ctx.logs.find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 'error',
      requestId: 'req-123',
      err: { message: expect.stringContaining('mongo') },
    });
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/nope?x=1`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route for DELETE /nope' } });
  });

  it('parses JSON bodies', async () => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(await res.json()).toEqual({ text: 'hello' });
  });

  it('answers a too large body with 413', async () => {
    ctx = await start([], '1kb');
    const res = await fetch(`${ctx.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(2048) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: 'request entity too large' } });
  });

  it('gives a path its own body limit and leaves the others on the shared one', async () => {
    ctx = await start([], '1kb');
    ctx.http.bodyFor('/large/', { limit: '4kb' });
    const post = (path: string, bytes: number) =>
      fetch(`${ctx.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x'.repeat(bytes) }),
      });
    const large = await post('/large/echo', 2048);
    expect(large.status).toBe(200);
    expect(((await large.json()) as { text: string }).text).toHaveLength(2048);
    expect((await post('/large/echo', 5000)).status).toBe(413);
    expect((await post('/echo', 2048)).status).toBe(413);
    // A path that only starts with the same letters is not below it.
    expect((await post('/largely', 2048)).status).toBe(413);
  });

  it('keeps the exact bytes of a raw path, whatever the content type says', async () => {
    ctx = await start();
    ctx.http.bodyFor('/raw', { format: 'raw', limit: 64 });
    const bytes = Buffer.from('{"text": "caf\u00e9",  "n": 1 }', 'latin1');
    const res = await fetch(`${ctx.url}/raw/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
    expect(await res.json()).toEqual({ raw: bytes.toString('base64') });
    const tooLarge = await fetch(`${ctx.url}/raw/echo`, { method: 'POST', body: Buffer.alloc(65) });
    expect(tooLarge.status).toBe(413);
  });

  it('answers a malformed JSON body with 400', async () => {
    ctx = await start();
    const res = await fetch(`${ctx.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_argument', message: 'malformed JSON body' } });
  });

  it('logs one line per request without headers, probes at debug', async () => {
    ctx = await start();
    await fetch(`${ctx.url}/conversations/c-9?token=abc`, { headers: { authorization: 'Bearer s3cret' } });
    await fetch(`${ctx.url}/healthz`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = ctx.logs.filter((l) => l.msg === 'http request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/conversations/:id',
      path: '/conversations/c-9',
      status: 404,
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({ level: 'debug', path: '/healthz', status: 200 });
    expect(JSON.stringify(ctx.logs)).not.toContain('s3cret');
    expect(JSON.stringify(ctx.logs)).not.toContain('token=abc');
  });

  it('refuses to finalize twice', async () => {
    ctx = await start();
    expect(() => finalizeHttpApp(ctx.http.app)).toThrow(/already final/);
  });
});
