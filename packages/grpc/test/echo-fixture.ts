import path from 'node:path';
import {
  type Client,
  credentials,
  loadPackageDefinition,
  type Metadata,
  type ServiceClientConstructor,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { NotFoundError, ResourceExhaustedError } from '@omni/errors';
import { createLogger, type Logger } from '@omni/logging';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { principalOf } from '../src/auth-interceptor';
import { serverStreaming, unary } from '../src/rpc-handlers';

/** Shared by the package's gRPC specs: the echo service, its clients and a log recorder. */

export const ECHO_PROTO = { includeDirs: [path.join(__dirname, 'fixtures')], files: ['echo.proto'] };

export interface EchoRequest {
  text: string;
  fail: string;
  count: number;
  delayMs: number;
}
export interface EchoResponse {
  text: string;
  principal: string;
}

const loadOptions = { keepCase: false, defaults: true, enums: String } as const;

function load(file: string, includeDirs: string[]): Record<string, unknown> {
  return loadPackageDefinition(loadSync(file, { ...loadOptions, includeDirs })) as Record<string, unknown>;
}

function lookup(pkg: Record<string, unknown>, dotted: string): ServiceClientConstructor {
  return dotted
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], pkg) as ServiceClientConstructor;
}

export const EchoClient = lookup(load('echo.proto', ECHO_PROTO.includeDirs), 'test.v1.EchoService');
export const echoService = EchoClient.service as ServiceDefinition;

export const HealthClient = lookup(load(healthProtoPath, []), 'grpc.health.v1.Health');

const reflectionRoot = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto');
export const ReflectionV1Client = lookup(
  load('grpc/reflection/v1/reflection.proto', [reflectionRoot]),
  'grpc.reflection.v1.ServerReflection',
);
export const ReflectionV1AlphaClient = lookup(
  load('grpc/reflection/v1alpha/reflection.proto', [reflectionRoot]),
  'grpc.reflection.v1alpha.ServerReflection',
);

export function connect(Ctor: ServiceClientConstructor, port: number): Client {
  return new Ctor(`127.0.0.1:${port}`, credentials.createInsecure());
}

type UnaryMethod = (req: unknown, md: Metadata, cb: (err: ServiceError | null, res: unknown) => void) => void;

/** Resolves with the response or with the ServiceError, so tests assert on either. */
export function callUnary<Res>(
  client: Client,
  method: string,
  request: unknown,
  metadata: Metadata,
): Promise<Res | ServiceError> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  return new Promise((resolve) => {
    fn.call(client, request, metadata, (err, res) => resolve(err ?? (res as Res)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const echoImplementation = {
  echo: unary<EchoRequest, EchoResponse>(async (request, call) => {
    if (request.delayMs > 0) await sleep(request.delayMs);
    if (request.fail === 'not_found') throw new NotFoundError(`nothing called ${request.text}`);
    if (request.fail === 'exhausted') throw new ResourceExhaustedError('slow down', { retryAfterSeconds: 4 });
    if (request.fail === 'internal') throw new Error('mongo password hunter2 rejected');
    const principal = principalOf(call);
    return { text: request.text, principal: principal === undefined ? '' : JSON.stringify(principal) };
  }),
  echoStream: serverStreaming<EchoRequest, EchoResponse>(async (request, stream, call) => {
    const principal = principalOf(call);
    for (let i = 0; i < request.count; i++) {
      await stream.send({
        text: `${request.text} ${i}`,
        principal: principal === undefined ? '' : JSON.stringify(principal),
      });
    }
    if (request.fail === 'not_found') throw new NotFoundError('stream target gone');
  }),
};

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export function recordingLogger(): { logger: Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  return { logger, logs };
}
