import { type ClientReadableStream, Metadata, status } from '@grpc/grpc-js';
import { InvalidArgumentError } from '@omni/errors';
import {
  callUnary,
  connect,
  ECHO_PROTO,
  EchoClient,
  type EchoRequest,
  type EchoResponse,
  echoService,
  type LogLine,
  recordingLogger,
} from '../test/echo-fixture';
import { createGrpcServer, type GrpcServer } from './grpc-server';
import { serverStreaming, unary } from './rpc-handlers';

describe('rpc handlers', () => {
  let server: GrpcServer;
  let logs: LogLine[];
  let client: ReturnType<typeof connect>;
  let streamEnded: Promise<{ sent: number; error: unknown; aborted: boolean }>;

  beforeEach(async () => {
    const recorded = recordingLogger();
    logs = recorded.logs;
    server = createGrpcServer({ logger: recorded.logger, protoFiles: ECHO_PROTO });
    let finish: (value: { sent: number; error: unknown; aborted: boolean }) => void = () => {};
    streamEnded = new Promise((resolve) => {
      finish = resolve;
    });
    server.addService(echoService, {
      // Not async: a synchronous throw must be mapped like a rejection.
      echo: unary<EchoRequest, EchoResponse>(() => {
        throw new InvalidArgumentError('text is required', { details: [{ field: 'text', reason: 'required' }] });
      }),
      // Follows "live" until the client leaves, as an event feed would.
      echoStream: serverStreaming<EchoRequest, EchoResponse>(async (request, stream) => {
        let sent = 0;
        try {
          for (;;) {
            await stream.send({ text: `${request.text} ${sent}`, principal: '' });
            sent++;
          }
        } catch (error: unknown) {
          finish({ sent, error, aborted: stream.signal.aborted });
          throw error;
        }
      }),
    });
    const port = await server.start({ host: '127.0.0.1', port: 0 });
    client = connect(EchoClient, port);
  });

  afterEach(async () => {
    client.close();
    await server.shutdown(100);
  });

  it('maps a synchronous throw from a unary handler', async () => {
    expect(await callUnary(client, 'echo', { text: '' }, new Metadata())).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'text is required',
    });
  });

  it('stops a live stream when the client cancels, quietly', async () => {
    const stream = (client as unknown as { echoStream(req: unknown): ClientReadableStream<EchoResponse> }).echoStream({
      text: 'tick',
    });
    let received = 0;
    const cancelled = new Promise<{ code: number }>((resolve) => {
      stream.on('data', () => {
        received++;
        if (received === 3) stream.cancel();
      });
      stream.on('error', resolve);
    });
    expect(await cancelled).toMatchObject({ code: status.CANCELLED });

    const ended = await streamEnded;
    expect(ended.aborted).toBe(true);
    expect(ended.sent).toBeGreaterThanOrEqual(3);
    expect((ended.error as Error).message).toBe('call cancelled');

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(logs.find((l) => l.msg === 'grpc call')).toMatchObject({ code: 'CANCELLED', level: 'info' });
  });
});
