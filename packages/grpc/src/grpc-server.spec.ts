import { type Client, type ClientReadableStream, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  callUnary,
  connect,
  ECHO_PROTO,
  EchoClient,
  type EchoResponse,
  echoImplementation,
  echoService,
  HealthClient,
  type LogLine,
  ReflectionV1AlphaClient,
  ReflectionV1Client,
  recordingLogger,
} from '../test/echo-fixture';
import { createGrpcServer, type GrpcServer } from './grpc-server';

interface Ctx {
  server: GrpcServer;
  port: number;
  logs: LogLine[];
  clients: Client[];
}

async function start(): Promise<Ctx> {
  const { logger, logs } = recordingLogger();
  const server = createGrpcServer({ logger, protoFiles: ECHO_PROTO });
  server.addService(echoService, echoImplementation);
  const port = await server.start({ host: '127.0.0.1', port: 0 });
  return { server, port, logs, clients: [] };
}

function client(ctx: Ctx, Ctor: typeof EchoClient): Client {
  const c = connect(Ctor, ctx.port);
  ctx.clients.push(c);
  return c;
}

function listServices(reflection: Client): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const stream = (reflection as unknown as { serverReflectionInfo(): NodeJS.ReadWriteStream }).serverReflectionInfo();
    stream.on('data', (res: { listServicesResponse?: { service: Array<{ name: string }> } }) => {
      resolve((res.listServicesResponse?.service ?? []).map((s) => s.name).sort());
      stream.end();
    });
    stream.on('error', reject);
    stream.write({ listServices: '' } as never);
  });
}

function collect(stream: ClientReadableStream<EchoResponse>): Promise<{ messages: string[]; error?: ServiceError }> {
  const messages: string[] = [];
  return new Promise((resolve) => {
    stream.on('data', (m: EchoResponse) => messages.push(m.text));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });
}

describe('createGrpcServer', () => {
  let ctx: Ctx;
  afterEach(async () => {
    for (const c of ctx.clients) c.close();
    await ctx.server.shutdown(100);
  });

  it('serves a unary call on the port it reports', async () => {
    ctx = await start();
    expect(ctx.port).toBeGreaterThan(0);
    const res = await callUnary<EchoResponse>(client(ctx, EchoClient), 'echo', { text: 'hi' }, new Metadata());
    expect(res).toEqual({ text: 'hi', principal: '' });
  });

  it('serves a server stream to its end', async () => {
    ctx = await start();
    const echo = client(ctx, EchoClient) as unknown as { echoStream(req: unknown): ClientReadableStream<EchoResponse> };
    expect(await collect(echo.echoStream({ text: 'n', count: 3 }))).toEqual({ messages: ['n 0', 'n 1', 'n 2'] });
  });

  it('ends a server stream with the mapped status when the handler throws', async () => {
    ctx = await start();
    const echo = client(ctx, EchoClient) as unknown as { echoStream(req: unknown): ClientReadableStream<EchoResponse> };
    const { messages, error } = await collect(echo.echoStream({ text: 'n', count: 2, fail: 'not_found' }));
    expect(messages).toEqual(['n 0', 'n 1']);
    expect(error).toMatchObject({ code: status.NOT_FOUND, details: 'stream target gone' });
  });

  it('answers a thrown NotFoundError with NOT_FOUND and its message', async () => {
    ctx = await start();
    const err = await callUnary(client(ctx, EchoClient), 'echo', { text: 'c-9', fail: 'not_found' }, new Metadata());
    expect(err).toMatchObject({ code: status.NOT_FOUND, details: 'nothing called c-9' });
  });

  it('sends retry-after with RESOURCE_EXHAUSTED', async () => {
    ctx = await start();
    const err = (await callUnary(
      client(ctx, EchoClient),
      'echo',
      { fail: 'exhausted' },
      new Metadata(),
    )) as ServiceError;
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.metadata.get('retry-after')).toEqual(['4']);
    expect(err.metadata.get('grpc-status-details-bin')).toHaveLength(1);
  });

  it('hides an unexpected error as INTERNAL and logs its cause with the method', async () => {
    ctx = await start();
    const err = (await callUnary(
      client(ctx, EchoClient),
      'echo',
      { fail: 'internal' },
      new Metadata(),
    )) as ServiceError;
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('internal error');
    expect(JSON.stringify(err.metadata.getMap())).not.toContain('hunter2');
    expect(ctx.logs.find((l) => l.msg === 'grpc call failed')).toMatchObject({
      level: 'error',
      method: '/test.v1.EchoService/Echo',
      code: 'INTERNAL',
      err: { message: 'mongo password hunter2 rejected' },
    });
  });

  it('logs one line per call with method, code and duration', async () => {
    ctx = await start();
    await callUnary(client(ctx, EchoClient), 'echo', { text: 'a' }, new Metadata());
    await callUnary(client(ctx, EchoClient), 'echo', { fail: 'not_found' }, new Metadata());
    const lines = ctx.logs.filter((l) => l.msg === 'grpc call');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        method: '/test.v1.EchoService/Echo',
        code: 'OK',
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ level: 'info', method: '/test.v1.EchoService/Echo', code: 'NOT_FOUND' }),
    ]);
  });

  it('answers health checks for the server and each service', async () => {
    ctx = await start();
    const health = client(ctx, HealthClient);
    expect(await callUnary(health, 'check', { service: '' }, new Metadata())).toEqual({ status: 'SERVING' });
    expect(await callUnary(health, 'check', { service: 'test.v1.EchoService' }, new Metadata())).toEqual({
      status: 'SERVING',
    });
    expect(await callUnary(health, 'check', { service: 'nope.Service' }, new Metadata())).toMatchObject({
      code: status.NOT_FOUND,
    });
  });

  it.each([
    ['v1', ReflectionV1Client],
    ['v1alpha', ReflectionV1AlphaClient],
  ])('lists services through %s reflection', async (_version, Ctor) => {
    ctx = await start();
    const names = await listServices(client(ctx, Ctor));
    expect(names).toEqual(expect.arrayContaining(['grpc.health.v1.Health', 'test.v1.EchoService']));
  });

  it('turns health NOT_SERVING when shutdown begins and lets in-flight calls finish', async () => {
    ctx = await start();
    const health = client(ctx, HealthClient) as unknown as {
      watch(req: unknown): ClientReadableStream<{ status: string }>;
    };
    const watch = health.watch({ service: '' });
    const seen: string[] = [];
    const watchEnded = new Promise<ServiceError | undefined>((resolve) => {
      watch.on('data', (m: { status: string }) => seen.push(m.status));
      watch.on('error', (e: ServiceError) => resolve(e));
      watch.on('end', () => resolve(undefined));
    });
    const inFlight = callUnary<EchoResponse>(
      client(ctx, EchoClient),
      'echo',
      { text: 'slow', delayMs: 200 },
      new Metadata(),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['SERVING']);

    const started = Date.now();
    // The open Watch stream never ends by itself, so shutdown must cut it at the grace bound.
    await ctx.server.shutdown(600);
    const took = Date.now() - started;
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await inFlight).toEqual({ text: 'slow', principal: '' });
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(2000);
    expect(await watchEnded).toMatchObject({ code: expect.any(Number) });
    expect(await callUnary(client(ctx, EchoClient), 'echo', { text: 'late' }, new Metadata())).toMatchObject({
      code: status.UNAVAILABLE,
    });
  });

  it('shuts down promptly when no call is open', async () => {
    ctx = await start();
    await callUnary(client(ctx, EchoClient), 'echo', { text: 'x' }, new Metadata());
    const started = Date.now();
    await ctx.server.shutdown(5000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
