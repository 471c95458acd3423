import { status as GrpcStatus } from '@grpc/grpc-js';
import { Channel, type CustomerServiceClient, SuggestionStatus } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { type Harness, mail, startHarness } from './conversation-harness';
import {
  type CustomerApi,
  customerClient,
  customerIdOf,
  customers,
  email,
  keyWithRole,
  phone,
  whatsapp,
} from './customer-harness';
import { openApiClient, type RestCall } from './openapi-client';
import { openSse } from './watch-clients';

let h: Harness;
let client: CustomerServiceClient;
let integration: CustomerApi;
let agent: CustomerApi;

beforeAll(async () => {
  h = await startHarness('conv-identity');
  client = customerClient(h);
  integration = customers(client, await keyWithRole(h, 'acme', 'integration'));
  agent = customers(client, await keyWithRole(h, 'acme', 'agent'));
});

afterAll(async () => {
  client?.close();
  await h?.close();
});

const stored = (id: string) =>
  waitFor(`message ${id} stored`, () =>
    h.service.runtime.store
      .collection<{ _id: string; conversationId: string; customerId: string }>('messages')
      .findOne({ _id: id })
      .then((doc) => doc ?? undefined),
  );

test('a phone an integration links (as typed) and a WhatsApp sender are one identity: one customer, one thread', async () => {
  const first = mail({ from: 'ana@example.com', messageId: 'ana-1@example.com', subject: 'Order 17' });
  await h.publishInbound(first);
  const customerId = (await stored(first.id)).customerId;

  const { customer } = await integration.link({
    customerId,
    identity: phone('+49 (0)151 2345-6789'),
    evidence: 'verified by SMS in the shop',
    verified: true,
  });
  expect(customer?.identities.map((i) => [i.identity?.value, i.source, i.verified])).toEqual([
    ['ana@example.com', 'inbound:CHANNEL_EMAIL', false],
    ['+4915123456789', 'api', true],
  ]);
  expect(customer?.identities[1]?.evidence).toContain('verified by SMS in the shop');
  expect(customer?.identities[1]?.linkedAt).toBeInstanceOf(Date);

  const wa = whatsapp('+4915123456789', 'wamid.ana.1');
  await h.publishInbound(wa);
  const message = await stored(wa.id);
  expect(message.customerId).toBe(customerId);
  expect(message.conversationId).toBe((await stored(first.id)).conversationId);

  // Counted after it is stored: wait for what the agent would see.
  const view = await waitFor('the WhatsApp message counted', async () => {
    const details = await agent.get(customerId);
    return details.conversations[0]?.messageCount === 2 && details;
  });
  expect(view.conversations).toHaveLength(1);
  expect(view.conversations[0]?.channels.sort()).toEqual([Channel.CHANNEL_EMAIL, Channel.CHANNEL_WHATSAPP]);
  expect(view.conversations[0]?.messageCount).toBe(2);
  expect((await agent.search({ identity: phone('004915123456789') })).customers.map((c) => c.id)).toEqual([customerId]);
});

test('an email reply with our token from an unknown address links that address to the customer', async () => {
  const first = mail({ from: 'bo@example.com', messageId: 'bo-1@example.com' });
  await h.publishInbound(first);
  const { customerId, conversationId } = await stored(first.id);
  const conversation = await h.service.runtime.store
    .collection<{ _id: string; token: string }>('conversations')
    .findOne({ _id: conversationId });
  const reply = mail({
    from: 'Bo.Private@Example.net',
    messageId: 'bo-2@example.net',
    subject: 'something else',
    token: conversation?.token as string,
  });
  await h.publishInbound(reply);
  expect(await stored(reply.id)).toMatchObject({ customerId, conversationId });
  const { customer } = await agent.get(customerId);
  const linked = customer?.identities.find((i) => i.identity?.value === 'bo.private@example.net');
  expect(linked?.source).toBe('conversation_token');
  expect(linked?.evidence).toContain(conversationId);
});

test('conflicting ids on one channel are never merged automatically: a suggested merge, listable and dismissable', async () => {
  const fromA = mail({ from: 'cy@example.com', messageId: 'cy-1@example.com' });
  const fromB = mail({ from: 'cy.work@example.org', messageId: 'cyw-1@example.org' });
  await h.publishInbound(fromA, fromB);
  const a = await stored(fromA.id);
  const b = await stored(fromB.id);
  expect(a.customerId).not.toBe(b.customerId);
  const token = (
    await h.service.runtime.store
      .collection<{ _id: string; token: string }>('conversations')
      .findOne({ _id: a.conversationId })
  )?.token as string;
  // The known address cy.work@ replies with cy@'s token: threaded there, but the customers stay two.
  const crossReply = mail({ from: 'cy.work@example.org', messageId: 'cyw-2@example.org', token });
  await h.publishInbound(crossReply);
  expect(await stored(crossReply.id)).toMatchObject({ conversationId: a.conversationId, customerId: b.customerId });
  expect((await agent.get(b.customerId)).customer?.id).toBe(b.customerId);

  const suggestion = await waitFor('a suggested merge', async () =>
    (await integration.suggestions()).suggestions.find((s) =>
      [s.customerId, s.otherCustomerId].every((id) => [a.customerId, b.customerId].includes(id)),
    ),
  );
  expect(suggestion).toMatchObject({ reason: 'conversation_token', status: SuggestionStatus.SUGGESTION_STATUS_OPEN });

  // Asserting the address through the API names the holder and points at the same suggestion.
  const refused = await integration
    .link({ customerId: a.customerId, identity: email('cy.work@example.org') })
    .catch((e) => e);
  expect(refused.code).toBe(GrpcStatus.FAILED_PRECONDITION);
  expect(refused.details).toContain(b.customerId);
  expect(await customerIdOf(agent, email('cy.work@example.org'))).toBe(b.customerId);
  expect(refused.metadata.get('grpc-status-details-bin')[0]?.toString()).toContain(suggestion.id);

  await integration.dismiss(suggestion.id);
  expect((await integration.suggestions()).suggestions.map((s) => s.id)).not.toContain(suggestion.id);
  const all = await integration.suggestions({ includeClosed: true });
  expect(all.suggestions.find((s) => s.id === suggestion.id)?.status).toBe(
    SuggestionStatus.SUGGESTION_STATUS_DISMISSED,
  );
});

test('search by name prefix pages with a cursor; bad input is refused with the field', async () => {
  const names = ['Dora Alpha', 'Dora Beta', 'dora gamma'];
  const firsts = names.map((name, n) => {
    const message = mail({ from: `dora${n}@example.com`, messageId: `dora-${n}@example.com` });
    if (message.sender) message.sender.displayName = name;
    return message;
  });
  await h.publishInbound(...firsts);
  for (const message of firsts) await stored(message.id);
  const first = await agent.search({ namePrefix: 'DORA', pageSize: 2 });
  const second = await agent.search({ namePrefix: 'dora', pageSize: 2, pageToken: first.nextPageToken });
  expect([...first.customers, ...second.customers].map((c) => c.displayName)).toEqual(names);
  expect(second.nextPageToken).toBe('');

  const bad = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as { code: number }).code;
  expect(await bad(agent.search({}))).toBe(GrpcStatus.INVALID_ARGUMENT);
  const customerId = (await stored(firsts[0]?.id as string)).customerId;
  expect(await bad(agent.link({ customerId, identity: phone('0151 1234567') }))).toBe(GrpcStatus.INVALID_ARGUMENT);
  expect(await bad(agent.link({ customerId, identity: email('not-an-address') }))).toBe(GrpcStatus.INVALID_ARGUMENT);
});

test('roles and tenants: agents link but cannot merge, other tenants see nothing, no key is unauthenticated', async () => {
  const one = mail({ from: 'eve@example.com', messageId: 'eve-1@example.com' });
  const two = mail({ from: 'eve2@example.com', messageId: 'eve-2@example.com' });
  await h.publishInbound(one, two);
  const eve = (await stored(one.id)).customerId;
  const eve2 = (await stored(two.id)).customerId;
  const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as { code: number }).code;

  expect((await agent.link({ customerId: eve, identity: { kind: 3, value: 'psid-eve' } })).customer?.id).toBe(eve);
  expect(await code(agent.merge(eve, eve2))).toBe(GrpcStatus.PERMISSION_DENIED);
  expect(await code(agent.unlink({ customerId: eve, identity: email('eve@example.com') }))).toBe(
    GrpcStatus.PERMISSION_DENIED,
  );
  expect(await code(agent.suggestions())).toBe(GrpcStatus.PERMISSION_DENIED);

  const other = customers(client, await keyWithRole(h, 'globex', 'admin'));
  expect(await code(other.get(eve))).toBe(GrpcStatus.NOT_FOUND);
  expect(await code(other.get('cus_missing'))).toBe(GrpcStatus.NOT_FOUND);
  expect(await code(other.merge(eve, eve2))).toBe(GrpcStatus.NOT_FOUND);
  expect(await code(other.link({ customerId: eve, identity: email('x@globex.test') }))).toBe(GrpcStatus.NOT_FOUND);
  expect((await other.search({ identity: email('eve@example.com') })).customers).toEqual([]);
  expect(await code(customers(client).get(eve))).toBe(GrpcStatus.UNAUTHENTICATED);

  // Unlinking (an integration's job) removes the identity from the customer it names.
  const { customer } = await integration.unlink({ customerId: eve, identity: { kind: 3, value: 'psid-eve' } });
  expect(customer?.identities.map((i) => i.identity?.value)).toEqual(['eve@example.com']);
  expect(await code(integration.unlink({ customerId: eve2, identity: email('eve@example.com') }))).toBe(
    GrpcStatus.NOT_FOUND,
  );
});

describe('REST /v1/customers', () => {
  const CUSTOMER = '/v1/customers/{customerId}';
  let call: RestCall;
  let integrationKey: string;
  let agentKey: string;

  beforeAll(async () => {
    integrationKey = await keyWithRole(h, 'acme', 'integration');
    agentKey = await keyWithRole(h, 'acme', 'agent');
    call = await openApiClient(`http://127.0.0.1:${h.service.httpPort}`, integrationKey);
  });

  test('every customer operation as JSON, valid against /openapi.json, tagged Customers', async () => {
    const openApi = await fetch(`http://127.0.0.1:${h.service.httpPort}/openapi.json`);
    const document = (await openApi.json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
    const tagged = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => (op.tags.includes('Customers') ? [`${method} ${path}`] : [])),
    );
    expect(tagged.sort()).toEqual([
      'delete /v1/customers/{customerId}/identities',
      'get /v1/customers',
      'get /v1/customers/{customerId}',
      'get /v1/suggested-merges',
      'post /v1/customers/{customerId}/identities',
      'post /v1/customers/{winnerCustomerId}/merges',
      'post /v1/merges/{mergeId}/split',
      'post /v1/suggested-merges/{suggestionId}/dismiss',
    ]);

    const byMail = mail({ from: 'rita@example.com', messageId: 'rita-1@example.com', subject: 'Refund' });
    const byWhatsApp = whatsapp('+4917655556666', 'wamid.rita.1');
    if (byMail.sender && byWhatsApp.sender)
      [byMail.sender.displayName, byWhatsApp.sender.displayName] = ['Rita M', 'Rita W'];
    await h.publishInbound(byMail, byWhatsApp);
    const [m, w] = [await stored(byMail.id), await stored(byWhatsApp.id)];
    const found = await call(
      'GET',
      '/v1/customers?identity.kind=IDENTITY_KIND_EMAIL&identity.value=Rita@Example.com',
      '/v1/customers',
    );
    expect(found.json.customers.map((c: { id: string }) => c.id)).toEqual([m.customerId]);
    // A name search pages with a cursor.
    const byName = (token = '') =>
      call('GET', `/v1/customers?name_prefix=RITA&page_size=1&page_token=${token}`, '/v1/customers');
    const first = await byName();
    const second = await byName(first.json.nextPageToken);
    expect([...first.json.customers, ...second.json.customers].map((c: { id: string }) => c.id)).toEqual([
      m.customerId,
      w.customerId,
    ]);
    expect(second.json.nextPageToken).toBeUndefined();

    const got = await waitFor('the customer with its counted conversation', async () => {
      const answer = await call('GET', `/v1/customers/${m.customerId}`, CUSTOMER);
      return answer.json.conversations?.[0]?.messageCount === 1 && answer;
    });
    expect(got.json.customer.identities).toEqual([
      expect.objectContaining({ identity: { kind: 'IDENTITY_KIND_EMAIL', value: 'rita@example.com' } }),
    ]);
    expect(got.json.conversations).toEqual([
      expect.objectContaining({
        id: m.conversationId,
        status: 'CONVERSATION_STATUS_OPEN',
        channels: ['CHANNEL_EMAIL'],
      }),
    ]);

    // An agent links the Messenger id the customer gave; an integration unlinks it.
    const psid = { kind: 'IDENTITY_KIND_MESSENGER_PSID', value: 'psid-rita' };
    const linked = await call(
      'POST',
      `/v1/customers/${m.customerId}/identities`,
      `${CUSTOMER}/identities`,
      { identity: psid, evidence: 'she told the agent in chat' },
      agentKey,
    );
    expect(linked.status).toBe(201);
    expect(linked.json.customer.identities.at(-1)).toMatchObject({ identity: psid, source: 'api' });
    const unlinked = await call(
      'DELETE',
      `/v1/customers/${m.customerId}/identities?identity.kind=${psid.kind}&identity.value=${psid.value}`,
      `${CUSTOMER}/identities`,
    );
    expect(unlinked.json.customer.identities.map((i: { identity: { value: string } }) => i.identity.value)).toEqual([
      'rita@example.com',
    ]);

    // The phone is held by the WhatsApp customer: 409 naming the holder, and a suggested merge to dismiss.
    const conflict = await call('POST', `/v1/customers/${m.customerId}/identities`, `${CUSTOMER}/identities`, {
      identity: { kind: 'IDENTITY_KIND_PHONE', value: '+49 176 5555 6666' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.message).toContain(w.customerId);
    const suggestions = await call('GET', '/v1/suggested-merges?page_size=50', '/v1/suggested-merges');
    const suggestion = suggestions.json.suggestions.find(
      (s: { customerId: string; otherCustomerId: string }) => s.otherCustomerId === w.customerId,
    );
    expect(suggestion).toMatchObject({ reason: 'link_conflict', status: 'SUGGESTION_STATUS_OPEN' });
    // Operations whose request is all in the path take no body.
    const dismissed = await call(
      'POST',
      `/v1/suggested-merges/${suggestion.id}/dismiss`,
      '/v1/suggested-merges/{suggestionId}/dismiss',
    );
    expect(dismissed.json.suggestion.status).toBe('SUGGESTION_STATUS_DISMISSED');

    const merged = await call(
      'POST',
      `/v1/customers/${m.customerId}/merges`,
      '/v1/customers/{winnerCustomerId}/merges',
      { loserCustomerId: w.customerId },
    );
    expect(merged.status).toBe(201);
    expect(merged.json.merge).toMatchObject({ state: 'MERGE_STATE_DONE', loserCustomerId: w.customerId });
    const viaOldId = await call('GET', `/v1/customers/${w.customerId}`, CUSTOMER);
    expect(viaOldId.json).toMatchObject({ customer: { id: m.customerId }, resolvedFrom: w.customerId });
    const split = await call('POST', `/v1/merges/${merged.json.merge.id}/split`, '/v1/merges/{mergeId}/split');
    expect(split.json.merge.state).toBe('MERGE_STATE_SPLIT');
    expect((await call('GET', `/v1/customers/${w.customerId}`, CUSTOMER)).json.customer.id).toBe(w.customerId);
  });

  test('security: other tenants get 404 as for a missing id, agents 403 on curation, bad keys 401, mass assignment 400', async () => {
    const one = mail({ from: 'sam@example.com', messageId: 'sam-1@example.com' });
    const two = mail({ from: 'sam.two@example.com', messageId: 'sam-2@example.com' });
    await h.publishInbound(one, two);
    const [sam, sam2] = [(await stored(one.id)).customerId, (await stored(two.id)).customerId];

    const globex = await keyWithRole(h, 'globex', 'admin');
    const missing = await call('GET', '/v1/customers/cus_missing', CUSTOMER, undefined, globex);
    const foreign = await call('GET', `/v1/customers/${sam}`, CUSTOMER, undefined, globex);
    expect(missing).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.message).toBe(missing.json.error.message.replace('cus_missing', sam));
    const mergeTemplate = '/v1/customers/{winnerCustomerId}/merges';
    const foreignMerge = await call(
      'POST',
      `/v1/customers/${sam}/merges`,
      mergeTemplate,
      { loserCustomerId: sam2 },
      globex,
    );
    expect(foreignMerge.status).toBe(404);
    const foreignLink = await call(
      'POST',
      `/v1/customers/${sam}/identities`,
      `${CUSTOMER}/identities`,
      { identity: { kind: 'IDENTITY_KIND_EMAIL', value: 'spy@globex.test' } },
      globex,
    );
    expect(foreignLink.status).toBe(404);
    const theirSearch = await call(
      'GET',
      '/v1/customers?identity.kind=IDENTITY_KIND_EMAIL&identity.value=sam@example.com',
      '/v1/customers',
      undefined,
      globex,
    );
    // Nothing found (proto3 JSON leaves empty lists and strings out).
    expect(theirSearch.json).toEqual({});
    // A stream filtered by another tenant's customer is refused exactly as for a missing one.
    const sse = (customerId: string) =>
      openSse(`http://127.0.0.1:${h.service.httpPort}/v1/events?customer_id=${customerId}`, {
        authorization: `Bearer ${globex}`,
      });
    const [foreignStream, missingStream] = [await sse(sam), await sse('cus_missing')];
    expect(foreignStream.status).toBe(404);
    expect(missingStream.status).toBe(404);
    expect(JSON.stringify(foreignStream.body)).toBe(JSON.stringify(missingStream.body).replace('cus_missing', sam));

    const denied = [
      await call('POST', `/v1/customers/${sam}/merges`, mergeTemplate, { loserCustomerId: sam2 }, agentKey),
      await call(
        'DELETE',
        `/v1/customers/${sam}/identities?identity.kind=IDENTITY_KIND_EMAIL&identity.value=sam@example.com`,
        `${CUSTOMER}/identities`,
        undefined,
        agentKey,
      ),
      await call('GET', '/v1/suggested-merges', '/v1/suggested-merges', undefined, agentKey),
      await call('POST', '/v1/merges/mrg_any/split', '/v1/merges/{mergeId}/split', {}, agentKey),
    ];
    expect(denied.map((d) => [d.status, d.json.error.code])).toEqual(
      Array.from({ length: 4 }, () => [403, 'permission_denied']),
    );
    expect((await call('GET', `/v1/customers/${sam}`, CUSTOMER, undefined, '')).status).toBe(401);
    expect((await call('GET', `/v1/customers/${sam}`, CUSTOMER, undefined, 'omni_not-a-key-at-all-00000')).status).toBe(
      401,
    );

    // Mass assignment: server-owned or unknown fields are refused, naming the field; nothing changed.
    const refused = async (path: string, template: string, body: unknown) => {
      const answer = await call('POST', path, template, body);
      expect(answer.status).toBe(400);
      return answer.json.error;
    };
    const identity = { kind: 'IDENTITY_KIND_EMAIL', value: 'sam.alias@example.com' };
    expect(
      (await refused(`/v1/customers/${sam}/identities`, `${CUSTOMER}/identities`, { identity, tenantId: 'globex' }))
        .details,
    ).toEqual([{ field: 'tenantId', reason: 'unknown field' }]);
    expect(
      (
        await refused(`/v1/customers/${sam}/identities`, `${CUSTOMER}/identities`, {
          identity: { ...identity, createdAt: '2020-01-01T00:00:00Z' },
        })
      ).details,
    ).toEqual([{ field: 'identity.createdAt', reason: 'unknown field' }]);
    expect(
      (await refused(`/v1/customers/${sam}/merges`, mergeTemplate, { loserCustomerId: sam2, mergedInto: sam2 }))
        .details,
    ).toEqual([{ field: 'mergedInto', reason: 'unknown field' }]);
    expect(
      (await refused(`/v1/customers/${sam}/merges`, mergeTemplate, { loserCustomerId: sam2, winnerCustomerId: sam2 }))
        .message,
    ).toBe('winnerCustomerId comes from the path, not the request');
    const unknownQuery = await call('GET', '/v1/customers?name_prefix=sam&tenant_id=globex', '/v1/customers');
    expect(unknownQuery.json.error.details).toEqual([{ field: 'tenantId', reason: 'unknown field' }]);
    const after = await call('GET', `/v1/customers/${sam}`, CUSTOMER);
    expect(after.json).toMatchObject({ customer: { id: sam } });
    expect(after.json.resolvedFrom).toBeUndefined();
    expect(after.json.customer.identities).toHaveLength(1);
  });
});
