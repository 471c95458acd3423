import { status as GrpcStatus } from '@grpc/grpc-js';
import { type ApiKeyRole, issueApiKey } from '@omni/auth';
import { type ConversationEvent, ConversationEventKind, type InboundMessage } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { kindOf } from '../src/domain/watch-filter';
import { decodePosition } from '../src/domain/watch-position';
import { type Harness, mail, startHarness } from './conversation-harness';
import { type GrpcWatch, openSse, type SseStream, streaming, watchGrpc } from './watch-clients';

const BUFFER_EVENTS = 40;
const STREAM_CAP = 4;
let h: Harness;
let baseUrl: string;

beforeAll(async () => {
  h = await startHarness('conv-watch', {
    WATCH_BUFFER_EVENTS: String(BUFFER_EVENTS),
    WATCH_SUBSCRIBER_MAX_LAG: '30',
    WATCH_MAX_STREAMS_PER_TENANT: String(STREAM_CAP),
    WATCH_HEARTBEAT_MS: '500',
  });
  baseUrl = `http://127.0.0.1:${h.service.httpPort}`;
});

afterAll(async () => {
  await h?.close();
});

let sequence = 0;

/** A first mail from a new sender (opened + message_added), or a follow-up from `from` (message_added). */
function mailOf(tenantId: string, from = `customer${++sequence}@example.com`): InboundMessage {
  return mail({ tenantId, from, messageId: `watch-${++sequence}@example.com` });
}

const tenantEvents = (tenantId: string) => h.events.filter((e) => e.tenantId === tenantId);
const summary = (events: ConversationEvent[]) => events.map((e) => `${e.tenantId} ${kindOf(e)} ${e.conversationId}`);
const conversationOf = (message: InboundMessage) =>
  waitFor(`the conversation of ${message.id}`, () =>
    h.events.find((e) => e.kind?.$case === 'messageAdded' && e.kind.value.messageId === message.id),
  ).then((e) => e.conversationId);

/** Waits until `watch` has looked past `position`: nothing before it can still arrive. */
async function settledPast(watch: GrpcWatch, position: string): Promise<void> {
  const target = decodePosition(position, 'position');
  await waitFor('the stream to pass the position', () =>
    watch.responses.some((r) =>
      target.every((offset, p) => (decodePosition(r.position, 'position')[p] ?? 0) >= offset),
    ),
  );
}

async function keyWithRole(tenantId: string, role: ApiKeyRole): Promise<string> {
  return (await issueApiKey(h.service.runtime.store, { tenantId, role, name: `watch ${role}` })).key;
}

function sse(path: string, key: string | undefined, headers: Record<string, string> = {}): Promise<SseStream> {
  return openSse(`${baseUrl}${path}`, { ...(key && { authorization: `Bearer ${key}` }), ...headers });
}

test('a subscriber sees its tenant open a conversation and add messages, and nothing of another tenant', async () => {
  const mine = await streaming(watchGrpc(h.client, await h.keyFor('iso-a')));
  const theirs = await streaming(watchGrpc(h.client, await h.keyFor('iso-b')));
  const first = mailOf('iso-a');
  const followUp = mailOf('iso-a', first.sender?.identity?.value);
  await h.publishInbound(first, mailOf('iso-b'), mailOf('iso-b'));
  await waitFor('iso-a opened and message added', () => mine.events().length >= 2);
  await h.publishInbound(followUp);
  await waitFor('iso-a follow-up', () => mine.events().length >= 3);
  await waitFor('iso-b events', () => theirs.events().length >= 4);
  await settledPast(mine, theirs.lastEventPosition());

  const conversation = await conversationOf(first);
  expect(summary(mine.events())).toEqual([
    `iso-a opened ${conversation}`,
    `iso-a message_added ${conversation}`,
    `iso-a message_added ${conversation}`,
  ]);
  expect(mine.events().map((e) => e.id)).toEqual(tenantEvents('iso-a').map((e) => e.id));
  const added = mine.events()[1]?.kind;
  expect(added?.$case === 'messageAdded' && added.value.messageId).toBe(first.id);
  expect(theirs.events().every((e) => e.tenantId === 'iso-b')).toBe(true);
  mine.cancel();
  theirs.cancel();
});

test('agent, admin and integration keys may all watch their tenant', async () => {
  const roles: ApiKeyRole[] = ['agent', 'admin', 'integration'];
  const watches = await Promise.all(
    roles.map(async (role) => streaming(watchGrpc(h.client, await keyWithRole('roles', role)))),
  );
  const message = mailOf('roles');
  await h.publishInbound(message);
  for (const watch of watches) {
    await waitFor('the message on every stream', () => watch.events().length >= 2);
    expect(summary(watch.events()).map((line) => line.split(' ')[1])).toEqual(['opened', 'message_added']);
    watch.cancel();
  }
});

test('filters narrow the stream to a conversation, a customer and kinds', async () => {
  const key = await h.keyFor('flt');
  const one = mailOf('flt');
  const two = mailOf('flt');
  await h.publishInbound(one, two);
  const [conversationOne, conversationTwo] = [await conversationOf(one), await conversationOf(two)];
  const customerTwo = tenantEvents('flt').find((e) => e.conversationId === conversationTwo)?.customerId;

  const byConversation = await streaming(
    watchGrpc(h.client, key, {
      conversationId: conversationOne,
      kinds: [ConversationEventKind.CONVERSATION_EVENT_KIND_MESSAGE_ADDED],
    }),
  );
  const byCustomer = await streaming(watchGrpc(h.client, key, { customerId: customerTwo }));
  const byKind = await streaming(
    watchGrpc(h.client, key, { kinds: [ConversationEventKind.CONVERSATION_EVENT_KIND_OPENED] }),
  );
  const everything = await streaming(watchGrpc(h.client, key));

  const three = mailOf('flt');
  await h.publishInbound(mailOf('flt', one.sender?.identity?.value), mailOf('flt', two.sender?.identity?.value), three);
  await waitFor('all four new events', () => everything.events().length >= 4);
  for (const watch of [byConversation, byCustomer, byKind]) await settledPast(watch, everything.lastEventPosition());
  const conversationThree = await conversationOf(three);

  expect(summary(byConversation.events())).toEqual([`flt message_added ${conversationOne}`]);
  expect(summary(byCustomer.events())).toEqual([`flt message_added ${conversationTwo}`]);
  expect(summary(byKind.events())).toEqual([`flt opened ${conversationThree}`]);
  for (const watch of [byConversation, byCustomer, byKind, everything]) watch.cancel();
});

test('a stream resumed from a position replays exactly the missed events, then continues live', async () => {
  const key = await h.keyFor('res');
  const first = mailOf('res');
  const before = await streaming(watchGrpc(h.client, key));
  await h.publishInbound(first);
  await waitFor('the first events', () => before.events().length >= 2);
  const position = before.lastEventPosition();
  before.cancel();

  await h.publishInbound(mailOf('res'), mailOf('res', first.sender?.identity?.value));
  await waitFor('the missed events on the topic', () => tenantEvents('res').length >= 5);
  const missed = tenantEvents('res')
    .slice(2)
    .map((e) => e.id);

  const resumed = await streaming(watchGrpc(h.client, key, { resumeAfter: position }));
  expect(resumed.responses[0]).toEqual({ position, event: undefined });
  await waitFor('the replay', () => resumed.events().length >= 3);
  const live = mailOf('res');
  await h.publishInbound(live);
  await waitFor('the live events', () => resumed.events().length >= 5);
  await settledPast(resumed, resumed.lastEventPosition());

  const ids = resumed.events().map((e) => e.id);
  expect(ids.slice(0, 3).sort()).toEqual([...missed].sort());
  expect(ids.slice(3)).toEqual(
    tenantEvents('res')
      .filter((e) => e.conversationId === tenantEvents('res').at(-1)?.conversationId)
      .map((e) => e.id),
  );
  expect(new Set(ids).size).toBe(ids.length);
  resumed.cancel();
});

test('bad requests and bad keys are refused with the reason', async () => {
  const key = await h.keyFor('bad');
  const refusal = async (watch: GrpcWatch) => {
    const error = await watch.ended;
    return { code: error?.code, details: error?.details };
  };
  expect(await refusal(watchGrpc(h.client, key, { resumeAfter: 'not a position' }))).toEqual({
    code: GrpcStatus.INVALID_ARGUMENT,
    details: 'resume_after is not a watch position (not base64url)',
  });
  expect(await refusal(watchGrpc(h.client, key, { resumeAfter: 'AQID_w' }))).toMatchObject({
    code: GrpcStatus.INVALID_ARGUMENT,
  });
  expect(await refusal(watchGrpc(h.client, key, { kinds: [42 as ConversationEventKind] }))).toEqual({
    code: GrpcStatus.INVALID_ARGUMENT,
    details: 'kinds[0] is not a conversation event kind',
  });
  expect((await refusal(watchGrpc(h.client, undefined))).code).toBe(GrpcStatus.UNAUTHENTICATED);
  expect((await refusal(watchGrpc(h.client, 'omni_wrong_key'))).code).toBe(GrpcStatus.UNAUTHENTICATED);

  // Another tenant's conversation answers exactly as a missing one.
  const foreign = mailOf('iso-b');
  await h.publishInbound(foreign);
  const foreignConversation = await conversationOf(foreign);
  const notFound = await refusal(watchGrpc(h.client, key, { conversationId: foreignConversation }));
  expect(notFound).toEqual({ code: GrpcStatus.NOT_FOUND, details: `conversation ${foreignConversation} not found` });
  expect(await refusal(watchGrpc(h.client, key, { conversationId: 'conv_missing' }))).toEqual({
    code: GrpcStatus.NOT_FOUND,
    details: 'conversation conv_missing not found',
  });
  expect((await refusal(watchGrpc(h.client, key, { customerId: 'cus_missing' }))).code).toBe(GrpcStatus.NOT_FOUND);
});

test('Server-Sent Events carry the events with positions as ids, heartbeats, and resume from Last-Event-ID', async () => {
  const key = await h.keyFor('sse');
  expect(await sse('/v1/events', undefined)).toMatchObject({
    status: 401,
    body: { error: { code: 'unauthenticated' } },
  });
  expect((await sse('/v1/events', 'omni_wrong_key')).status).toBe(401);
  expect(await sse('/v1/events?since=yesterday', key)).toMatchObject({
    status: 400,
    body: { error: { code: 'invalid_argument', message: 'unknown query parameter since' } },
  });
  expect(await sse('/v1/events?kinds=message_added,typing', key)).toMatchObject({
    status: 400,
    body: { error: { message: 'kinds: unknown kind typing' } },
  });
  expect((await sse('/v1/events?last_event_id=garbage', key)).status).toBe(400);

  const stream = await sse('/v1/events?kinds=message_added', key);
  expect(stream.status).toBe(200);
  expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  await waitFor('the opening checkpoint', () => stream.messages.length > 0);
  expect(stream.messages[0]).toMatchObject({ comments: ['connected'], id: expect.any(String) });
  const first = mailOf('sse');
  await h.publishInbound(first);
  const [added] = await waitFor('the event', () => stream.events().length >= 1 && stream.events());
  expect(added?.event).toBe('message_added');
  expect(JSON.parse(added?.data ?? '')).toMatchObject({
    tenantId: 'sse',
    conversationId: await conversationOf(first),
    messageAdded: { messageId: first.id, channel: 'CHANNEL_EMAIL' },
  });
  await waitFor('a heartbeat', () => stream.messages.some((m) => m.comments.includes('heartbeat')));
  stream.close();

  const missed = mailOf('sse', first.sender?.identity?.value);
  await h.publishInbound(missed);
  await waitFor('the missed event on the topic', () => tenantEvents('sse').length >= 3);
  const resumed = await sse('/v1/events?kinds=message_added&last_event_id=ignored-when-the-header-is-sent', key, {
    'last-event-id': added?.id ?? '',
  });
  const [replayed] = await waitFor('the replay', () => resumed.events().length >= 1 && resumed.events());
  expect(resumed.messages[0]).toMatchObject({ comments: ['connected'], id: added?.id });
  expect(JSON.parse(replayed?.data ?? '')).toMatchObject({ messageAdded: { messageId: missed.id } });
  resumed.close();
});

test('a tenant holds at most the configured number of streams', async () => {
  const key = await h.keyFor('cap');
  const open = await Promise.all(Array.from({ length: STREAM_CAP }, () => streaming(watchGrpc(h.client, key))));
  const refused = await watchGrpc(h.client, key).ended;
  expect(refused?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  expect(refused?.details).toBe(`at most ${STREAM_CAP} concurrent watch streams per tenant; close one first`);
  const refusedSse = await sse('/v1/events', key);
  expect(refusedSse).toMatchObject({ status: 429, body: { error: { code: 'resource_exhausted' } } });
  expect(refusedSse.headers.get('retry-after')).toBe('5');
  // Other tenants are not affected.
  (await streaming(watchGrpc(h.client, await h.keyFor('cap-other')))).cancel();

  open[0]?.cancel();
  const again = await waitFor('a freed slot', async () => {
    const watch = watchGrpc(h.client, key);
    const outcome = await Promise.race([watch.ended, streaming(watch)]);
    return outcome === watch && watch;
  });
  for (const watch of [again, ...open]) watch.cancel();
});

test('a position whose events were evicted answers FAILED_PRECONDITION (gRPC) or a reset event (SSE)', async () => {
  const key = await h.keyFor('evict');
  const watch = await streaming(watchGrpc(h.client, key));
  await h.publishInbound(mailOf('evict'));
  await waitFor('the first events', () => watch.events().length >= 2);
  const old = watch.lastEventPosition();

  // More new conversations than the buffer holds events.
  const flood = Array.from({ length: BUFFER_EVENTS / 2 + 1 }, () => mailOf('evict'));
  await h.publishInbound(...flood);
  await waitFor('the flood', () => watch.events().length >= 2 + flood.length * 2);

  const refused = await watchGrpc(h.client, key, { resumeAfter: old }).ended;
  expect(refused?.code).toBe(GrpcStatus.FAILED_PRECONDITION);
  expect(refused?.details).toContain('re-read the state');
  // A recent position still resumes.
  (await streaming(watchGrpc(h.client, key, { resumeAfter: watch.lastEventPosition() }))).cancel();
  watch.cancel();

  const stream = await sse('/v1/events', key, { 'last-event-id': old });
  expect(stream.status).toBe(200);
  const [reset] = await waitFor('the reset', () => stream.messages.length > 0 && stream.messages);
  expect(reset).toMatchObject({ event: 'reset', id: expect.any(String) });
  expect(JSON.parse(reset?.data ?? '')).toMatchObject({ error: { code: 'failed_precondition' } });
  // The stream carries on live from there.
  const after = mailOf('evict');
  await h.publishInbound(after);
  await waitFor('live events after the reset', () =>
    stream.events().some((m) => m.event === 'message_added' && m.data?.includes(after.id)),
  );
  stream.close();

  // Operators see the late resumes (and the refusals of the cap test before) on /metrics.
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  /** A sample's value, by metric name and one label (the registry adds its `service` label). */
  const value = (name: string, label = '') =>
    Number(
      metrics
        .split('\n')
        .find((line) => line.startsWith(`${name}{`) && line.includes(label))
        ?.split(' ')
        .at(-1),
    );
  expect(value('conversation_watch_refusals_total', 'reason="gap"')).toBe(2);
  expect(value('conversation_watch_refusals_total', 'reason="stream_cap"')).toBe(2);
  expect(value('conversation_watch_streams_ended_total', 'reason="closed"')).toBeGreaterThan(10);
  expect(value('conversation_watch_buffered_events')).toBe(BUFFER_EVENTS);
});

test('streams end with UNAVAILABLE (SSE: a closing event) when the service shuts down', async () => {
  const key = await h.keyFor('bye');
  const watch = await streaming(watchGrpc(h.client, key));
  const stream = await sse('/v1/events', key);
  await waitFor('the SSE stream to open', () => stream.messages.length > 0);
  const stopped = h.service.stop();
  const ended = await watch.ended;
  expect(ended?.code).toBe(GrpcStatus.UNAVAILABLE);
  expect(ended?.details).toBe('the server is shutting down: watch again from the last position received');
  await stream.done;
  expect(stream.messages.at(-1)).toMatchObject({ event: 'closing' });
  expect(JSON.parse(stream.messages.at(-1)?.data ?? '')).toMatchObject({ error: { code: 'unavailable' } });
  await stopped;
});
