import { Channel, type InboundMessage, type Participant } from '@omni/contracts';
import type { ConversationRepository } from '../adapters/mongo/conversation.repository';
import type { CustomerRepository } from '../adapters/mongo/customer.repository';
import type { CustomerProfileRepository } from '../adapters/mongo/customer-profile.repository';
import type { IdentityLinkRepository } from '../adapters/mongo/identity-link.repository';
import type { SuggestionRepository } from '../adapters/mongo/suggestion.repository';
import type { MergeFollower } from './merge-follower';

export interface SenderIdentityDependencies {
  customers: CustomerRepository;
  profiles: CustomerProfileRepository;
  identities: IdentityLinkRepository;
  conversations: ConversationRepository;
  suggestions: SuggestionRepository;
  follower: MergeFollower;
}

/**
 * Which customer sent an inbound message. Automatic links only on strong
 * evidence: the identity itself (emails and E.164 phones normalize to one
 * key, so a WhatsApp sender meets the phone an integration linked), or an
 * email reply carrying our conversation token from an address nobody holds
 * yet, which joins the conversation's customer. A known address replying with
 * another customer's token is never merged: it becomes a suggested merge.
 */
export class SenderIdentity {
  constructor(private readonly deps: SenderIdentityDependencies) {}

  async customerOf(message: InboundMessage): Promise<string> {
    const { tenantId } = message;
    const sender = message.sender as Participant & { identity: NonNullable<Participant['identity']> };
    const known = await this.deps.identities.find(tenantId, sender.identity);
    const tokenOwner = await this.tokenOwner(message);
    if (known) {
      // Taken as the identity names it, without reading the customer: a merge re-points the loser's
      // identities right after marking it, and a message that comes in between is carried to the
      // winner by the check after its write (MergeFollower.settle), as one racing this read would be.
      if (!tokenOwner) return known.customerId;
      const customerId = await this.deps.follower.customerOf(tenantId, known.customerId);
      if (tokenOwner.customerId !== customerId) {
        await this.deps.suggestions.suggest({
          tenantId,
          customerId: tokenOwner.customerId,
          otherCustomerId: customerId,
          reason: 'conversation_token',
          evidence: `message ${message.id} from ${sender.identity.value} carried the token of conversation ${tokenOwner.conversationId}`,
        });
      }
      return customerId;
    }
    if (tokenOwner) {
      const holder = await this.deps.identities.link({
        tenantId,
        identity: sender.identity,
        customerId: tokenOwner.customerId,
        source: 'conversation_token',
        evidence: `message ${message.id} replied with the token of conversation ${tokenOwner.conversationId}`,
        verified: false,
      });
      if (holder === tokenOwner.customerId) {
        const held = await this.deps.identities.listByCustomer(tenantId, holder);
        await this.deps.profiles.syncIdentities(tenantId, holder, held);
      }
      return this.deps.follower.customerOf(tenantId, holder);
    }
    const created = await this.deps.customers.findOrCreate(
      tenantId,
      sender,
      `inbound:${Channel[message.channel] ?? message.channel}`,
      `message ${message.id}`,
    );
    return this.deps.follower.customerOf(tenantId, created);
  }

  /** The (current) customer of the conversation whose token an email reply carries, if any. */
  private async tokenOwner(message: InboundMessage) {
    const token = message.threading?.conversationToken.trim().toLowerCase();
    if (message.channel !== Channel.CHANNEL_EMAIL || !token) return undefined;
    const conversationId = await this.deps.conversations.findIdByToken(message.tenantId, token);
    const conversation = conversationId
      ? await this.deps.conversations.findById(message.tenantId, conversationId)
      : null;
    if (!conversation) return undefined;
    return {
      conversationId,
      customerId: await this.deps.follower.customerOf(message.tenantId, conversation.customerId),
    };
  }
}
