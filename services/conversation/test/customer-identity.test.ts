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
