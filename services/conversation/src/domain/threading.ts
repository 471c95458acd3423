import { Channel, type Threading, ThreadRule } from '@omni/contracts';
import { bestReferenceMatch, referenceCandidates } from './references';
import { normalizeSubject } from './subject';

/** Reads the threading rules need; implemented by the Mongo repositories, always scoped to one tenant. */
export interface ThreadingLookups {
  /** Stored messages (inbound or outbound) whose Message-ID is one of `messageIds`. */
  conversationsByMessageIds(
    tenantId: string,
    messageIds: readonly string[],
  ): Promise<Array<{ messageIdHeader: string; conversationId: string }>>;
  conversationByToken(tenantId: string, token: string): Promise<string | undefined>;
  /** The customer's most recent conversation with this normalized subject and a message since `since`. */
  conversationBySubject(
    tenantId: string,
    customerId: string,
    normalizedSubject: string,
    since: Date,
  ): Promise<string | undefined>;
  openConversation(tenantId: string, customerId: string): Promise<string | undefined>;
}

export interface ThreadingInput {
  tenantId: string;
  customerId: string;
  channel: Channel;
  subject: string;
  threading: Threading | undefined;
  receivedAt: Date;
}

export type Placement =
  | { rule: ThreadRule; conversationId: string }
  | { rule: ThreadRule.THREAD_RULE_NEW; conversationId: undefined };

/**
 * DESIGN.md's rule order: References/In-Reply-To, the plus-address token, the
 * normalized subject from the same customer within the window, the customer's
 * open conversation (messaging channels only: an email without any of the
 * above starts a new thread), else a new conversation.
 */
export async function placeMessage(
  input: ThreadingInput,
  lookups: ThreadingLookups,
  subjectWindowMs: number,
): Promise<Placement> {
  const threading = input.threading;
  const candidates = threading ? referenceCandidates(threading) : [];
  if (candidates.length > 0) {
    const matches = await lookups.conversationsByMessageIds(input.tenantId, candidates);
    const best = bestReferenceMatch(candidates, matches);
    if (best) return { rule: ThreadRule.THREAD_RULE_REFERENCES, conversationId: best.conversationId };
  }

  const token = threading?.conversationToken.trim().toLowerCase();
  if (token) {
    const conversationId = await lookups.conversationByToken(input.tenantId, token);
    if (conversationId) return { rule: ThreadRule.THREAD_RULE_TOKEN, conversationId };
  }

  const subject = normalizeSubject(input.subject);
  if (input.channel === Channel.CHANNEL_EMAIL && subject) {
    const since = new Date(input.receivedAt.getTime() - subjectWindowMs);
    const conversationId = await lookups.conversationBySubject(input.tenantId, input.customerId, subject, since);
    if (conversationId) return { rule: ThreadRule.THREAD_RULE_SUBJECT, conversationId };
  }

  if (input.channel !== Channel.CHANNEL_EMAIL) {
    const conversationId = await lookups.openConversation(input.tenantId, input.customerId);
    if (conversationId) return { rule: ThreadRule.THREAD_RULE_OPEN_CONVERSATION, conversationId };
  }
  return { rule: ThreadRule.THREAD_RULE_NEW, conversationId: undefined };
}
