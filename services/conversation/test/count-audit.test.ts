import { waitFor } from '@omni/testing';
import { api, type Harness, mail, startHarness } from './conversation-harness';

/**
 * FerretDB v1 writes an update as a read then a write of the whole document, so an update
 * racing on another replica can put back a copy of the conversation from before a count.
 * These tests write such a stale copy themselves, as that replica would, and check that the
 * conversation's counters come back to the messages it holds.
 */
let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness('conv-count-audit', { COUNT_AUDIT_DELAY_MS: '150' });
  key = await h.keyFor('acme');
});

afterAll(async () => {
  await h?.close();
});

interface ConversationCounters {
  _id: string;
  messageCount: number;
  appliedMessageIds: string[];
}
const conversationsColl = () => h.service.runtime.store.collection<ConversationCounters>('conversations');

async function shownCount(conversationId: string): Promise<number> {
  const { conversation } = await api(h.client, key).getConversation({ conversationId });
  return conversation?.messageCount ?? -1;
}

async function threadOf(from: string, count: number): Promise<{ conversationId: string; ids: string[] }> {
  const mails = Array.from({ length: count }, (_, i) =>
    mail({ from, messageId: `${from}-${i}@example.com`, text: `mail ${i}` }),
  );
  await h.publishInbound(...mails);
  const conversationId = await h.conversationOf(mails[count - 1] as (typeof mails)[number]);
  await waitFor(`${count} mails counted`, async () =>
    (await shownCount(conversationId)) === count ? true : undefined,
  );
  return { conversationId, ids: mails.map((m) => m.id) };
}

/** What a replica's update that read the conversation before the last count writes back. */
async function loseLastCount(conversationId: string, ids: string[]): Promise<void> {
  const result = await conversationsColl().updateOne(
    { _id: conversationId },
    { $set: { messageCount: ids.length - 1, appliedMessageIds: ids.slice(0, -1) } },
  );
  expect(result.modifiedCount).toBe(1);
}

it('repairs a count lost to a racing update once the next message is counted', async () => {
  const { conversationId, ids } = await threadOf('drift-next@example.com', 3);
  await loseLastCount(conversationId, ids);
  expect(await shownCount(conversationId)).toBe(2);

  const fourth = mail({ from: 'drift-next@example.com', messageId: 'drift-next-3@example.com', text: 'mail 3' });
  await h.publishInbound(fourth);
  // The fourth alone would make it 3: the audit recounts the four messages the thread holds.
  await waitFor('the count shows all four messages', async () =>
    (await shownCount(conversationId)) === 4 ? true : undefined,
  );
  const stored = await conversationsColl().findOne({ _id: conversationId });
  expect(new Set(stored?.appliedMessageIds)).toEqual(new Set([...ids, fourth.id]));
  const { timeline } = await api(h.client, key).getConversation({ conversationId, timelinePageSize: 50 });
  expect(timeline.filter((item) => item.entry?.$case === 'message').length).toBe(4);
});

it('repairs it too when the next delivery is a message counted already', async () => {
  const { conversationId, ids } = await threadOf('drift-replay@example.com', 2);
  await loseLastCount(conversationId, ids);
  // The first mail delivered again (same Message-ID, same message id): its count is a no-op.
  const again = mail({ from: 'drift-replay@example.com', messageId: 'drift-replay@example.com-0@example.com' });
  expect(again.id).toBe(ids[0]);
  await h.publishInbound(again);
  await waitFor('the count shows both messages', async () =>
    (await shownCount(conversationId)) === 2 ? true : undefined,
  );
  const { timeline } = await api(h.client, key).getConversation({ conversationId, timelinePageSize: 50 });
  expect(timeline.filter((item) => item.entry?.$case === 'message').length).toBe(2);
});
