import { Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  type ConversationEvent,
  type ConversationServiceClient,
  WatchEventsRequest,
  type WatchEventsResponse,
} from '@omni/contracts';
import { waitFor } from '@omni/testing';

/** A WatchEvents call as a frontend holds it: what arrived, and how it ended. */
export interface GrpcWatch {
  responses: WatchEventsResponse[];
  events(): ConversationEvent[];
  /** The position of the last response that carried an event. */
  lastEventPosition(): string;
  error?: ServiceError;
  /** Resolves with the status error (or undefined after a clean end). */
  ended: Promise<ServiceError | undefined>;
  cancel(): void;
}

export function watchGrpc(
  client: ConversationServiceClient,
  key: string | undefined,
  request: Partial<WatchEventsRequest> = {},
): GrpcWatch {
  const metadata = new Metadata();
  if (key !== undefined) metadata.set('authorization', `Bearer ${key}`);
  const call = client.watchEvents(WatchEventsRequest.fromPartial(request), metadata);
  const watch: GrpcWatch = {
    responses: [],
    events: () => watch.responses.flatMap((r) => (r.event ? [r.event] : [])),
    lastEventPosition: () => [...watch.responses].reverse().find((r) => r.event)?.position ?? '',
    ended: new Promise((resolve) => {
      call.on('error', (error: ServiceError) => {
        watch.error = error;
        resolve(error);
      });
      call.on('end', () => resolve(undefined));
    }),
    cancel: () => call.cancel(),
  };
  call.on('data', (response: WatchEventsResponse) => watch.responses.push(response));
  return watch;
}

/** Waits for the opening checkpoint: from then on the stream sees every new event. */
export async function streaming(watch: GrpcWatch): Promise<GrpcWatch> {
  await waitFor('the stream to open', () => watch.responses.length > 0 || watch.error !== undefined);
  if (watch.error) throw watch.error;
  return watch;
}

/** One Server-Sent Events message as the EventSource algorithm assembles it. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comments: string[];
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The body of a refused request (JSON error). */
  body?: unknown;
  messages: SseMessage[];
  /** Messages that carry an event (data). */
  events(): SseMessage[];
  done: Promise<void>;
  close(): void;
}

/** Opens GET `url` and parses the event stream as it arrives. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    messages,
    events: () => messages.filter((m) => m.data !== undefined),
    done: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (response.status !== 200) {
    stream.body = await response.json();
    return stream;
  }
  stream.done = readMessages(response, messages).catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return stream;
}

async function readMessages(response: Response, into: SseMessage[]): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      into.push(parseMessage(buffer.slice(0, end)));
      buffer = buffer.slice(end + 2);
    }
  }
}

function parseMessage(block: string): SseMessage {
  const message: SseMessage = { comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      message.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event') message[field] = value;
    else if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
  }
  return message;
}
