import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  AssignmentAction,
  AssignmentEventType,
  Channel,
  ConversationOrder,
  ConversationStatus,
  DeliveryState,
  DeliveryStatus,
  deterministicId,
  IdentityKind,
  InboundMessage,
  MessageDirection,
  type TimelineEntry,
  Topics,
} from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { api, type Harness, mail, startHarness } from './conversation-harness';
import { openApiClient, type RestCall } from './openapi-client';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness('conversation-ops', { SNOOZE_SWEEP_MS: '200', API_RATE_LIMIT_BURST: '400' });
  key = await h.keyFor('acme');
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const rpc = () => api(h.client, key);

/** Publishes a customer's message and returns its conversation once the message is counted there. */
async function deliver(message: InboundMessage): Promise<string> {
  await h.publishInbound(message);
  return h.conversationOf(message);
}

function whatsapp(
  from: string,
  id: string,
  text: string,
  sentAt = new Date(),
  channelMetadata: Record<string, string> = { provider: 'whatsapp' },
): InboundMessage {
  return InboundMessage.fromPartial({
    id: deterministicId('msg', 'acme', 'whatsapp', id),
    tenantId: 'acme',
    inboxId: 'wa-main',
    channel: Channel.CHANNEL_WHATSAPP,
    channelMessageId: id,
    sender: { identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: from }, displayName: 'Wanda' },
    text,
    replyText: text,
    sentAt,
    receivedAt: new Date(),
    channelMetadata,
  });
}

const kindOf = (entry: TimelineEntry) =>
  entry.entry?.$case === 'event' ? (entry.entry.value.kind?.$case ?? 'event') : (entry.entry?.$case ?? 'none');

test('status changes, snooze, notes and assignment show in the timeline, in order, with the KPIs', async () => {
  const conversationId = await deliver(mail({ from: 'tina@example.com', messageId: 'tina1@example.com' }));
  await rpc().addNote({ conversationId, text: 'VIP, be quick', authorId: 'agent-7' });
  const reply = await rpc().sendReply({ conversationId, text: 'On it.', authorId: 'agent-7' });
  expect(reply.message?.direction).toBe(MessageDirection.MESSAGE_DIRECTION_OUTBOUND);

  // Routing's decision arrives on omni.assignments.v1; delivered twice, it assigns once.
  const producer = await h.kafka.producer();
  const assignment = {
    id: 'asg-1',
    tenantId: 'acme',
    conversationId,
    action: AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED,
    agentId: 'agent-7',
    previousAgentId: '',
    decisionId: 'd1',
    reason: 'least loaded',
    escalationStep: 0,
    occurredAt: new Date(),
  };
  for (let i = 0; i < 2; i++) {
    await producer.publish(AssignmentEventType, Topics.assignments, [
      { key: conversationId, value: assignment, eventId: assignment.id },
    ]);
  }
  await waitFor(
    'assigned',
    async () => (await rpc().getConversation({ conversationId })).conversation?.assigneeId === 'agent-7',
  );
  const mine = await rpc().listConversations({ assigneeId: 'agent-7' });
  expect(mine.conversations.map((c) => c.id)).toEqual([conversationId]);

  const resolved = await rpc().setStatus({ conversationId, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED });
  const kpis = resolved.conversation?.kpis;
  expect(kpis?.resolvedAt).toBeInstanceOf(Date);
  expect(kpis?.firstResponseAt).toBeInstanceOf(Date);
  expect(kpis?.firstResponseSeconds).toBeGreaterThan(0);
  expect(kpis?.agentRepliesBeforeResolution).toBe(1);
  expect(kpis?.channelsUsed).toEqual([Channel.CHANNEL_EMAIL]);

  // The customer writes again: the resolved conversation reopens and counts it.
  await deliver(mail({ from: 'tina@example.com', messageId: 'tina2@example.com', inReplyTo: 'tina1@example.com' }));
  const reopened = (await rpc().getConversation({ conversationId })).conversation;
  expect(reopened?.status).toBe(ConversationStatus.CONVERSATION_STATUS_OPEN);
  expect(reopened?.kpis?.reopenCount).toBe(1);
  expect(reopened?.kpis?.resolvedAt).toBeUndefined();

  // Snoozed a moment: the sweeper opens it again when the time comes.
  const until = new Date(Date.now() + 1_500);
  const snoozed = await rpc().setStatus({
    conversationId,
    status: ConversationStatus.CONVERSATION_STATUS_SNOOZED,
    snoozedUntil: until,
  });
  expect(snoozed.conversation?.snoozedUntil?.getTime()).toBe(until.getTime());
  await waitFor('snooze over', async () => {
    const c = (await rpc().getConversation({ conversationId })).conversation;
    return c?.status === ConversationStatus.CONVERSATION_STATUS_OPEN ? c : undefined;
  });

  const timeline = await waitFor('system events in the timeline', async () => {
    const page = await rpc().getConversation({ conversationId, timelinePageSize: 50 });
    const kinds = page.timeline.map(kindOf);
    return kinds.filter((k) => k === 'statusChanged').length >= 3 && kinds.includes('assigneeChanged')
      ? page.timeline
      : undefined;
  });
  const kinds = timeline.map(kindOf);
  // By the channel's timestamps: both mails were sent (test clock) an hour ago, before the note and the reply.
  expect(kinds.slice(0, 4)).toEqual(['message', 'message', 'note', 'message']);
  expect(timeline.flatMap((e) => (e.entry?.$case === 'message' ? [e.entry.value.text] : []))).toEqual([
    'Hello, my order has not arrived.',
    'Hello, my order has not arrived.',
    'On it.',
  ]);
  expect(kinds.filter((k) => k === 'assigneeChanged')).toHaveLength(1);
  // Resolved, then reopened by the customer's mail, then snoozed, then woken: 4 changes, in order.
  const statuses = timeline.flatMap((e) =>
    e.entry?.$case === 'event' && e.entry.value.kind?.$case === 'statusChanged' ? [e.entry.value.kind.value.to] : [],
  );
  expect(statuses.slice(-2)).toEqual([
    ConversationStatus.CONVERSATION_STATUS_SNOOZED,
    ConversationStatus.CONVERSATION_STATUS_OPEN,
  ]);
  const times = timeline.map((e) => e.at?.getTime() ?? 0);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  const note = timeline.find((e) => e.entry?.$case === 'note');
  expect(note?.entry?.$case === 'note' && note.entry.value.text).toBe('VIP, be quick');
  // A note is never sent to the customer.
  expect(h.outbound.filter((m) => m.conversationId === conversationId).map((m) => m.text)).toEqual(['On it.']);
});

/** Timeline first pages the service answered from its cache so far (its /metrics). */
async function timelineCacheHits(): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${h.service.httpPort}/metrics`)).text();
  const hits = metrics
    .split('\n')
    .find((line) => /^conversation_timeline_cache_lookups_total\{result="hit"[,}]/.test(line));
  return Number(hits?.split(' ').pop() ?? 0);
}

test('the first timeline page, cached, shows every change on the next read, and only to its tenant', async () => {
  const conversationId = await deliver(mail({ from: 'yuki@example.com', messageId: 'yuki1@example.com', text: 'Hi' }));
  const page = async () => (await rpc().getConversation({ conversationId, timelinePageSize: 20 })).timeline;
  const shown = async () =>
    (await page()).map((e) =>
      e.entry?.$case === 'message'
        ? e.entry.value.text
        : e.entry?.$case === 'note'
          ? `note: ${e.entry.value.text}`
          : kindOf(e),
    );

  const first = await page();
  const hits = await timelineCacheHits();
  expect(await page()).toEqual(first);
  expect((await rpc().listTimeline({ conversationId, pageSize: 20 })).entries).toEqual(first);
  expect(await timelineCacheHits()).toBe(hits + 2);

  // Each change the API or the inbound path has stored shows on the very next read.
  await rpc().addNote({ conversationId, text: 'Check the courier', authorId: 'agent-7' });
  expect(await shown()).toEqual(['Hi', 'note: Check the courier']);
  await deliver(
    mail({
      from: 'yuki@example.com',
      messageId: 'yuki2@example.com',
      inReplyTo: 'yuki1@example.com',
      text: 'Any news?',
    }),
  );
  expect(await shown()).toEqual(['Hi', 'Any news?', 'note: Check the courier']);
  const reply = (await rpc().sendReply({ conversationId, text: 'It left the depot.', authorId: 'agent-7' })).message;
  const replyState = async () =>
    (await page()).flatMap((e) =>
      e.entry?.$case === 'message' && e.entry.value.id === reply?.id ? [e.entry.value] : [],
    )[0]?.deliveryState;
  expect(await replyState()).toBe(DeliveryState.DELIVERY_STATE_QUEUED);

  // Delivery states and system events are stored by consumers: each shows once stored, though the page was cached.
  await h.publishDelivery(
    DeliveryStatus.fromPartial({
      id: deterministicId('dlv', reply?.id ?? '', 'delivered'),
      tenantId: 'acme',
      messageId: reply?.id ?? '',
      conversationId,
      channel: Channel.CHANNEL_EMAIL,
      state: DeliveryState.DELIVERY_STATE_DELIVERED,
      occurredAt: new Date(),
    }),
  );
  await waitFor('DELIVERED shown', async () => (await replyState()) === DeliveryState.DELIVERY_STATE_DELIVERED);
  await rpc().setStatus({ conversationId, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED });
  await waitFor('status change shown', async () => (await shown()).includes('statusChanged'));
  expect(await timelineCacheHits()).toBeGreaterThan(hits + 2);

  // Another tenant asking for the cached conversation gets what a missing one gets.
  const other = api(h.client, await h.keyFor('globex'));
  await expect(other.getConversation({ conversationId, timelinePageSize: 20 })).rejects.toMatchObject({
    code: GrpcStatus.NOT_FOUND,
  });
  await expect(other.listTimeline({ conversationId, pageSize: 20 })).rejects.toMatchObject({
    code: GrpcStatus.NOT_FOUND,
  });
});

test('a customer message wakes a pending conversation', async () => {
  const conversationId = await deliver(mail({ from: 'uma@example.com', messageId: 'uma1@example.com' }));
  await rpc().setStatus({ conversationId, status: ConversationStatus.CONVERSATION_STATUS_PENDING });
  await deliver(mail({ from: 'uma@example.com', messageId: 'uma2@example.com', inReplyTo: 'uma1@example.com' }));
  await waitFor(
    'open again',
    async () =>
      (await rpc().getConversation({ conversationId })).conversation?.status ===
      ConversationStatus.CONVERSATION_STATUS_OPEN,
  );
});

test('priority, tags, filters and sort orders page through without gaps', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++)
    ids.push(await deliver(mail({ from: `p${i}@sorting.example`, messageId: `p${i}@sorting.example` })));
  await rpc().setPriority({ conversationId: ids[1] as string, priority: 9 });
  await rpc().setPriority({ conversationId: ids[3] as string, priority: 5 });
  const tagged = await rpc().updateTags({ conversationId: ids[1] as string, add: [' Refund ', 'VIP'] });
  expect(tagged.conversation?.tags).toEqual(['refund', 'vip']);
  expect((await rpc().updateTags({ conversationId: ids[1] as string, remove: ['vip'] })).conversation?.tags).toEqual([
    'refund',
  ]);

  const seen: string[] = [];
  let pageToken = '';
  do {
    const page = await rpc().listConversations({
      orderBy: ConversationOrder.CONVERSATION_ORDER_PRIORITY_DESC,
      minPriority: 1,
      pageSize: 1,
      pageToken,
    });
    seen.push(...page.conversations.map((c) => c.id));
    pageToken = page.nextPageToken;
  } while (pageToken);
  expect(seen).toEqual([ids[1], ids[3]]);

  const oldestFirst = await rpc().listConversations({
    orderBy: ConversationOrder.CONVERSATION_ORDER_LAST_MESSAGE_ASC,
    channel: Channel.CHANNEL_EMAIL,
    pageSize: 200,
  });
  const order = oldestFirst.conversations.map((c) => c.id).filter((id) => ids.includes(id));
  expect(order).toEqual(ids);
  await expect(rpc().setPriority({ conversationId: ids[0] as string, priority: 11 })).rejects.toMatchObject({
    code: GrpcStatus.INVALID_ARGUMENT,
  });
  // A token of one order is not valid for another.
  const first = await rpc().listConversations({ pageSize: 1 });
  await expect(
    rpc().listConversations({
      pageToken: first.nextPageToken,
      orderBy: ConversationOrder.CONVERSATION_ORDER_CREATED_DESC,
    }),
  ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
});

test('roles and tenants: integrations read but do not change conversations; other tenants see nothing', async () => {
  const conversationId = await deliver(mail({ from: 'vera@example.com', messageId: 'vera1@example.com' }));
  const integration = api(h.client, await h.keyFor('acme', 'integration'));
  expect((await integration.getConversation({ conversationId })).conversation?.id).toBe(conversationId);
  await expect(
    integration.setStatus({ conversationId, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED }),
  ).rejects.toMatchObject({ code: GrpcStatus.PERMISSION_DENIED });
  await expect(integration.addNote({ conversationId, text: 'x' })).rejects.toMatchObject({
    code: GrpcStatus.PERMISSION_DENIED,
  });
  const other = api(h.client, await h.keyFor('globex'));
  for (const call of [
    () => other.setStatus({ conversationId, status: ConversationStatus.CONVERSATION_STATUS_RESOLVED }),
    () => other.addNote({ conversationId, text: 'hello' }),
    () => other.listTimeline({ conversationId }),
    () => other.updateTags({ conversationId, add: ['x'] }),
  ]) {
    await expect(call()).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  }
  expect((await rpc().getConversation({ conversationId })).conversation?.status).toBe(
    ConversationStatus.CONVERSATION_STATUS_OPEN,
  );
});

test('a WhatsApp reply after the 24-hour window is refused before anything is stored', async () => {
  const old = new Date(Date.now() - 25 * 3_600_000);
  const conversationId = await deliver(whatsapp('+15550001111', 'wamid.old', 'Hello?', old));
  await expect(rpc().sendReply({ conversationId, text: 'Sorry for the wait' })).rejects.toMatchObject({
    code: GrpcStatus.FAILED_PRECONDITION,
    details: expect.stringContaining('reply window on CHANNEL_WHATSAPP closed'),
  });
  const { messages } = await rpc().listMessages({ conversationId });
  expect(messages.map((m) => m.direction)).toEqual([MessageDirection.MESSAGE_DIRECTION_INBOUND]);

  // An inbox whose tenant configured a template past the window (announced by the adapter) may answer.
  const templated = await deliver(
    whatsapp('+15550003333', 'wamid.old-2', 'Hello?', old, {
      provider: 'whatsapp',
      reply_outside_window: 'template:followup',
    }),
  );
  const { message } = await rpc().sendReply({ conversationId: templated, text: 'Sorry for the wait' });
  expect(message?.direction).toBe(MessageDirection.MESSAGE_DIRECTION_OUTBOUND);
});

describe('REST /v1', () => {
  let call: RestCall;

  beforeAll(async () => {
    call = await openApiClient(`http://127.0.0.1:${h.service.httpPort}`, key);
  });

  test('serves the same operations as JSON, valid against its OpenAPI document', async () => {
    const conversationId = await deliver(mail({ from: 'wes@example.com', messageId: 'wes1@example.com' }));
    const item = '/v1/conversations/{conversationId}';
    const got = await call('GET', `/v1/conversations/${conversationId}?timeline_page_size=10`, item);
    expect(got.status).toBe(200);
    expect(got.json.conversation.status).toBe('CONVERSATION_STATUS_OPEN');
    expect(got.json.timeline[0].message.channel).toBe('CHANNEL_EMAIL');

    const note = await call('POST', `/v1/conversations/${conversationId}/notes`, `${item}/notes`, {
      text: 'call back',
    });
    expect(note.status).toBe(201);
    expect(note.json.note.text).toBe('call back');
    const status = await call('PUT', `/v1/conversations/${conversationId}/status`, `${item}/status`, {
      status: 'CONVERSATION_STATUS_PENDING',
    });
    expect(status.json.conversation.status).toBe('CONVERSATION_STATUS_PENDING');
    const list = await call(
      'GET',
      '/v1/conversations?status=CONVERSATION_STATUS_PENDING&page_size=5',
      '/v1/conversations',
    );
    expect(list.json.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
    const timeline = await call('GET', `/v1/conversations/${conversationId}/timeline`, `${item}/timeline`);
    expect(
      timeline.json.entries.map((e: Record<string, unknown>) => Object.keys(e).find((k) => k !== 'id' && k !== 'at')),
    ).toEqual(expect.arrayContaining(['message', 'note']));
  });

  test('refuses unknown, mistyped and server-owned fields with 400 and the reason, and names auth failures', async () => {
    const conversationId = await deliver(mail({ from: 'xena@example.com', messageId: 'xena1@example.com' }));
    const item = '/v1/conversations/{conversationId}';
    const unknown = await call('PUT', `/v1/conversations/${conversationId}/status`, `${item}/status`, {
      status: 'CONVERSATION_STATUS_RESOLVED',
      tenantId: 'globex',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.details).toEqual([{ field: 'tenantId', reason: 'unknown field' }]);
    const pathField = await call('POST', `/v1/conversations/${conversationId}/notes`, `${item}/notes`, {
      text: 'x',
      conversationId: 'someone-elses',
    });
    expect(pathField.status).toBe(400);
    expect(pathField.json.error.message).toBe('conversationId comes from the path, not the request');
    const mistyped = await call('PUT', `/v1/conversations/${conversationId}/priority`, `${item}/priority`, {
      priority: 'high',
    });
    expect(mistyped.status).toBe(400);
    expect(mistyped.json.error.details[0].field).toBe('priority');
    const badQuery = await call('GET', `/v1/conversations?colour=red`, '/v1/conversations');
    expect(badQuery.status).toBe(400);

    const anonymous = await call(
      'GET',
      `/v1/conversations/${conversationId}`,
      item,
      undefined,
      'omni_not-a-key-at-all-00000',
    );
    expect(anonymous.status).toBe(401);
    const otherTenant = await call(
      'GET',
      `/v1/conversations/${conversationId}`,
      item,
      undefined,
      await h.keyFor('globex'),
    );
    expect(otherTenant.status).toBe(404);
    expect(otherTenant.json.error.code).toBe('not_found');
    const integration = await h.keyFor('acme', 'integration');
    const denied = await call(
      'POST',
      `/v1/conversations/${conversationId}/notes`,
      `${item}/notes`,
      { text: 'x' },
      integration,
    );
    expect(denied.status).toBe(403);
  });
});

test('a key over its rate limit gets 429 with Retry-After, and RESOURCE_EXHAUSTED over gRPC', async () => {
  const limited = await startHarness('conversation-ratelimit', {
    API_RATE_LIMIT_PER_SECOND: '1',
    API_RATE_LIMIT_BURST: '3',
  });
  try {
    const limitedKey = await limited.keyFor('acme');
    const url = `http://127.0.0.1:${limited.service.httpPort}/v1/conversations`;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${limitedKey}` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    await expect(api(limited.client, limitedKey).listConversations({})).rejects.toMatchObject({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
    });
  } finally {
    await limited.close();
  }
});
