import { type Client, type ClientReadableStream, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { PermissionDeniedError, UnauthenticatedError } from '@omni/errors';
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
  ReflectionV1Client,
  recordingLogger,
} from '../test/echo-fixture';
import { type AuthInterceptorOptions, authInterceptor } from './auth-interceptor';
import { createGrpcServer, type GrpcServer } from './grpc-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asynchronous on purpose: real resolvers look keys up in a store. */
async function authenticate(metadata: Metadata, methodPath: string): Promise<unknown> {
  await sleep(10);
  const [header] = metadata.get('authorization');
  if (header === undefined) throw new UnauthenticatedError('missing bearer token');
  if (header === 'Bearer readonly') throw new PermissionDeniedError(`read-only key may not call ${methodPath}`);
  if (header === 'Bearer broken') throw new Error('key store unreachable at 10.1.2.3');
  if (header === 'Bearer forgetful') return undefined;
  if (header === 'Bearer t1-agent') return { tenant: 't1', role: 'agent' };
  throw new UnauthenticatedError('unknown key');
}

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

describe('authInterceptor', () => {
  let server: GrpcServer;
  let logs: LogLine[];
  let clients: Client[];
  let port: number;

  async function start(options?: AuthInterceptorOptions) {
    const recorded = recordingLogger();
    logs = recorded.logs;
    server = createGrpcServer({
      logger: recorded.logger,
      protoFiles: ECHO_PROTO,
      interceptors: [authInterceptor(authenticate, options)],
    });
    server.addService(echoService, echoImplementation);
    port = await server.start({ host: '127.0.0.1', port: 0 });
    clients = [connect(EchoClient, port), connect(HealthClient, port), connect(ReflectionV1Client, port)];
  }

  const [echo, health, reflection] = [0, 1, 2].map((i) => () => clients[i] as Client);

  afterEach(async () => {
    for (const c of clients) c.close();
    await server.shutdown(100);
  });

  it('rejects a call without a token with UNAUTHENTICATED before the handler runs', async () => {
    await start();
    const err = await callUnary(echo(), 'echo', { text: 'hi' }, new Metadata());
    expect(err).toMatchObject({ code: status.UNAUTHENTICATED, details: 'missing bearer token' });
  });

  it('rejects a forbidden caller with PERMISSION_DENIED', async () => {
    await start();
    const err = await callUnary(echo(), 'echo', { text: 'hi' }, bearer('readonly'));
    expect(err).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'read-only key may not call /test.v1.EchoService/Echo',
    });
  });

  it('hands the principal from an async authenticate to a unary handler', async () => {
    await start();
    const res = await callUnary<EchoResponse>(echo(), 'echo', { text: 'hi' }, bearer('t1-agent'));
    expect(res).toEqual({ text: 'hi', principal: '{"tenant":"t1","role":"agent"}' });
  });

  it('hands the principal to a server-streaming handler', async () => {
    await start();
    const stream = (
      echo() as unknown as {
        echoStream(req: unknown, md: Metadata): ClientReadableStream<EchoResponse>;
      }
    ).echoStream({ text: 's', count: 2 }, bearer('t1-agent'));
    const principals: string[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (m: EchoResponse) => principals.push(m.principal));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(principals).toEqual(['{"tenant":"t1","role":"agent"}', '{"tenant":"t1","role":"agent"}']);
  });

  it('keeps principals of concurrent calls apart', async () => {
    await start();
    const results = await Promise.all([
      callUnary<EchoResponse>(echo(), 'echo', { text: 'a', delayMs: 30 }, bearer('t1-agent')),
      callUnary(echo(), 'echo', { text: 'b' }, new Metadata()),
      callUnary<EchoResponse>(echo(), 'echo', { text: 'c' }, bearer('t1-agent')),
    ]);
    expect(results[0]).toEqual({ text: 'a', principal: '{"tenant":"t1","role":"agent"}' });
    expect(results[1]).toMatchObject({ code: status.UNAUTHENTICATED });
    expect(results[2]).toEqual({ text: 'c', principal: '{"tenant":"t1","role":"agent"}' });
  });

  it('fails closed when authenticate resolves without a principal', async () => {
    await start();
    const err = await callUnary(echo(), 'echo', { text: 'hi' }, bearer('forgetful'));
    expect(err).toMatchObject({ code: status.UNAUTHENTICATED });
  });

  it('hides an authenticate failure as INTERNAL and logs it', async () => {
    await start();
    const err = (await callUnary(echo(), 'echo', { text: 'hi' }, bearer('broken'))) as ServiceError;
    expect(err).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    expect(logs.find((l) => l.msg === 'grpc call failed')).toMatchObject({
      method: '/test.v1.EchoService/Echo',
      err: { message: 'key store unreachable at 10.1.2.3' },
    });
  });

  it('lets health and reflection through without credentials', async () => {
    await start();
    expect(await callUnary(health(), 'check', { service: '' }, new Metadata())).toEqual({ status: 'SERVING' });
    const names = await new Promise<string[]>((resolve, reject) => {
      const stream = (
        reflection() as unknown as { serverReflectionInfo(): NodeJS.ReadWriteStream }
      ).serverReflectionInfo();
      stream.on('data', (res: { listServicesResponse: { service: Array<{ name: string }> } }) => {
        resolve(res.listServicesResponse.service.map((s) => s.name));
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ listServices: '' } as never);
    });
    expect(names).toContain('test.v1.EchoService');
  });

  it('lets a custom skip replace the default', async () => {
    await start({ skip: (methodPath) => methodPath === '/test.v1.EchoService/Echo' });
    expect(await callUnary(echo(), 'echo', { text: 'open' }, new Metadata())).toEqual({ text: 'open', principal: '' });
    expect(await callUnary(health(), 'check', { service: '' }, new Metadata())).toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });
});
