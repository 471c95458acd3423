import { type ApiKeyAuthenticator, httpAuthMiddleware, principalOfRequest } from '@omni/auth';
import { ConversationEvent } from '@omni/contracts';
import { InvalidArgumentError, isDomainError } from '@omni/errors';
import { type HttpApp, toErrorResponse } from '@omni/http';
import type { WatchEventsService, WatchRequest } from '../../application/watch-events.service';
import type { WatchItem, WatchSubscription } from '../../application/watch-hub';
import { isWatchKind, kindOf, WATCH_KINDS } from '../../domain/watch-filter';

const QUERY_PARAMETERS = new Set(['conversation_id', 'customer_id', 'kinds', 'last_event_id']);

export interface EventsSseDependencies {
  authenticator: ApiKeyAuthenticator;
  watch: WatchEventsService;
  /** Comment lines this often keep proxies from closing an idle stream. */
  heartbeatMs: number;
}

/**
 * GET /v1/events: the watch stream as Server-Sent Events. `id:` is the position, so a browser's
 * EventSource resumes by itself through Last-Event-ID. A position whose events were evicted does
 * not fail the request (EventSource would give up without telling why): the stream opens with an
 * `event: reset`, and the client re-reads its state while the stream carries on live.
 */
export function mountEventsSse(app: HttpApp['app'], deps: EventsSseDependencies): void {
  app.get('/v1/events', httpAuthMiddleware(deps.authenticator), async (req, res) => {
    const principal = principalOfRequest(req);
    const header = req.headers['last-event-id'];
    const query = parseQuery(req.query as Record<string, unknown>);
    const fromHeader = typeof header === 'string' && header !== '';
    // The header wins: EventSource sends it on reconnects, while the URL keeps the first position.
    const request: WatchRequest = { ...query, resumeAfter: fromHeader ? header : query.resumeAfter };
    const field = fromHeader ? 'Last-Event-ID' : 'last_event_id';
    let subscription: WatchSubscription;
    let reset: string | undefined;
    try {
      subscription = await deps.watch.open(principal, request, field);
    } catch (error: unknown) {
      if (!isDomainError(error) || error.kind !== 'failed_precondition') throw error;
      reset = error.message;
      subscription = await deps.watch.open(principal, { ...request, resumeAfter: '' }, field);
    }

    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const clientGone = new Error('client closed the event stream');
    res.once('close', () => subscription.close(clientGone));
    try {
      let first = true;
      for (;;) {
        const item = await subscription.next(deps.heartbeatMs);
        const frame = first && reset !== undefined ? resetFrame(item, reset) : frameOf(item, first);
        first = false;
        if (!res.write(frame)) await subscription.whileOpen(new Promise((resolve) => res.once('drain', resolve)));
      }
    } catch (error: unknown) {
      if (error === clientGone || res.writableEnded) return;
      // Ended by the server (fell behind, shutting down): say why, then let EventSource reconnect.
      res.end(`event: closing\ndata: ${JSON.stringify(toErrorResponse(error).body)}\n\n`);
    }
  });
}

function frameOf(item: WatchItem, first: boolean): string {
  if (!item.event) return `: ${first ? 'connected' : 'heartbeat'}\nid: ${item.position}\n\n`;
  const data = JSON.stringify(ConversationEvent.toJSON(item.event));
  return `id: ${item.position}\nevent: ${kindOf(item.event) ?? 'unknown'}\ndata: ${data}\n\n`;
}

function resetFrame(item: WatchItem, message: string): string {
  const data = JSON.stringify({ error: { code: 'failed_precondition', message } });
  return `id: ${item.position}\nevent: reset\ndata: ${data}\n\n`;
}

function parseQuery(query: Record<string, unknown>): WatchRequest {
  for (const name of Object.keys(query)) {
    if (!QUERY_PARAMETERS.has(name)) {
      throw new InvalidArgumentError(`unknown query parameter ${name}`, {
        details: [{ field: name, reason: `unknown parameter; expected one of ${[...QUERY_PARAMETERS].join(', ')}` }],
      });
    }
  }
  const kinds = single(query, 'kinds')
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '');
  const unknown = kinds.filter((kind) => !isWatchKind(kind));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`kinds: unknown kind ${unknown.join(', ')}`, {
      details: [{ field: 'kinds', reason: `expected a comma-separated list of ${WATCH_KINDS.join(', ')}` }],
    });
  }
  return {
    conversationId: single(query, 'conversation_id'),
    customerId: single(query, 'customer_id'),
    kinds: kinds.filter(isWatchKind),
    resumeAfter: single(query, 'last_event_id'),
  };
}

function single(query: Record<string, unknown>, name: string): string {
  const value = query[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`${name} must be given once`, { details: [{ field: name, reason: 'repeated' }] });
  }
  return value;
}
