import { Channel, Threading, ThreadRule } from '@omni/contracts';
import { placeMessage, type ThreadingInput, type ThreadingLookups } from './threading';

const HOUR = 3_600_000;

/** In-memory lookups over a tiny fixture: messages by Message-ID, conversations by token/subject/openness. */
function lookups(fixture: {
  messageIds?: Record<string, string>;
  tokens?: Record<string, string>;
  subjects?: Array<{ customerId: string; subject: string; lastMessageAt: Date; id: string }>;
  open?: Record<string, string>;
}): ThreadingLookups & { queried: string[][] } {
  const queried: string[][] = [];
  return {
    queried,
    conversationsByMessageIds: async (_t, ids) => {
      queried.push([...ids]);
      return ids.flatMap((id) => {
        const conversationId = fixture.messageIds?.[id];
        return conversationId ? [{ messageIdHeader: id, conversationId }] : [];
      });
    },
    conversationByToken: async (_t, token) => fixture.tokens?.[token],
    conversationBySubject: async (_t, customerId, subject, since) =>
      fixture.subjects?.find((s) => s.customerId === customerId && s.subject === subject && s.lastMessageAt >= since)
        ?.id,
    openConversation: async (_t, customerId) => fixture.open?.[customerId],
  };
}

function input(
  overrides: Partial<Omit<ThreadingInput, 'threading'>> & { threading?: Partial<Threading> } = {},
): ThreadingInput {
  return {
    tenantId: 't',
    customerId: 'cus_1',
    channel: Channel.CHANNEL_EMAIL,
    subject: 'Hello',
    receivedAt: new Date('2026-01-10T00:00:00Z'),
    ...overrides,
    threading: Threading.fromPartial(overrides.threading ?? {}),
  };
}

describe('placeMessage', () => {
  it('prefers References over token and subject', async () => {
    const l = lookups({ messageIds: { 'p@x': 'c_ref' }, tokens: { tok: 'c_tok' } });
    const placed = await placeMessage(input({ threading: { references: ['p@x'], conversationToken: 'tok' } }), l, HOUR);
    expect(placed).toEqual({ rule: ThreadRule.THREAD_RULE_REFERENCES, conversationId: 'c_ref' });
  });

  it('uses one bounded lookup for a huge References header', async () => {
    const l = lookups({});
    const references = Array.from({ length: 10_000 }, (_, i) => `r${i}@x`);
    await placeMessage(input({ threading: { references } }), l, HOUR);
    expect(l.queried).toHaveLength(1);
    expect(l.queried[0]?.length).toBeLessThanOrEqual(50);
  });

  it('falls back to the token, then the subject of the same customer within the window', async () => {
    const l = lookups({
      tokens: { tok: 'c_tok' },
      subjects: [
        { customerId: 'cus_1', subject: 'hello', lastMessageAt: new Date('2026-01-09T12:00:00Z'), id: 'c_subj' },
      ],
    });
    expect(await placeMessage(input({ threading: { conversationToken: 'TOK' } }), l, 72 * HOUR)).toEqual({
      rule: ThreadRule.THREAD_RULE_TOKEN,
      conversationId: 'c_tok',
    });
    expect(await placeMessage(input({ subject: 'Re: hello' }), l, 72 * HOUR)).toEqual({
      rule: ThreadRule.THREAD_RULE_SUBJECT,
      conversationId: 'c_subj',
    });
    expect((await placeMessage(input({ subject: 'Re: hello' }), l, 1 * HOUR)).rule).toBe(ThreadRule.THREAD_RULE_NEW);
    expect((await placeMessage(input({ subject: 'Re: hello', customerId: 'cus_2' }), l, 72 * HOUR)).rule).toBe(
      ThreadRule.THREAD_RULE_NEW,
    );
  });

  it('continues the open conversation on messaging channels only', async () => {
    const l = lookups({ open: { cus_1: 'c_open' } });
    expect(await placeMessage(input({ channel: Channel.CHANNEL_WHATSAPP, subject: '' }), l, HOUR)).toEqual({
      rule: ThreadRule.THREAD_RULE_OPEN_CONVERSATION,
      conversationId: 'c_open',
    });
    expect(await placeMessage(input({ subject: 'Other' }), l, HOUR)).toEqual({
      rule: ThreadRule.THREAD_RULE_NEW,
      conversationId: undefined,
    });
  });
});
