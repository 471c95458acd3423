import type { handleServerStreamingCall, handleUnaryCall, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { toGrpcStatus } from './grpc-status';

export type UnaryHandler<Req, Res> = (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>;

/** Lets a unary method be an async function whose throws become the mapped status. */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    // The async wrapper turns a synchronous throw into a rejection like any other.
    (async () => handler(call.request, call))().then(
      (response) => callback(null, response),
      (err: unknown) => callback(toGrpcStatus(err)),
    );
  };
}

export interface ServerStream<Res> {
  /** Writes one message; waits while the client's buffer is full, rejects once the call is gone. */
  send(message: Res): Promise<void>;
  /** Aborted when the client cancels or the deadline passes: stop producing. */
  readonly signal: AbortSignal;
}

export type ServerStreamingHandler<Req, Res> = (
  request: Req,
  stream: ServerStream<Res>,
  call: ServerWritableStream<Req, Res>,
) => Promise<void>;

/**
 * Lets a server-streaming method be an async function: the stream ends with OK
 * when it resolves, with the mapped status when it throws.
 */
export function serverStreaming<Req, Res>(
  handler: ServerStreamingHandler<Req, Res>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const abort = new AbortController();
    call.once('cancelled', () => abort.abort(new Error('call cancelled')));
    const stream: ServerStream<Res> = {
      signal: abort.signal,
      send: (message) => {
        if (abort.signal.aborted) return Promise.reject(abort.signal.reason);
        return call.write(message) ? Promise.resolve() : drained(call, abort.signal);
      },
    };
    (async () => handler(call.request, stream, call))().then(
      () => call.end(),
      (err: unknown) => {
        // The handler stopped because the client left: nobody to tell, nothing went wrong.
        if (abort.signal.aborted && err === abort.signal.reason) return;
        // grpc-js turns an 'error' event on a server stream into the call's final status.
        call.emit('error', toGrpcStatus(err));
      },
    );
  };
}

function drained(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      call.off('drain', onDrain);
      reject(signal.reason);
    };
    call.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
