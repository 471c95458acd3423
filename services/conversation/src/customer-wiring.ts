import type { EventProducer } from '@omni/kafka';
import type { Store } from '@omni/store';
import type { ConversationEventsPublisher } from './adapters/kafka/conversation-events.publisher';
import { CustomerEventsPublisher } from './adapters/kafka/customer-events.publisher';
import type { ConversationRepository } from './adapters/mongo/conversation.repository';
import type { CustomerRepository } from './adapters/mongo/customer.repository';
import { CustomerProfileRepository } from './adapters/mongo/customer-profile.repository';
import { IdentityLinkRepository } from './adapters/mongo/identity-link.repository';
import { MergeRepository } from './adapters/mongo/merge.repository';
import { SuggestionRepository } from './adapters/mongo/suggestion.repository';
import type { ConversationCounts } from './application/count-audit';
import { CustomerService } from './application/customer.service';
import { MergeService } from './application/merge.service';
import { MergeFollower } from './application/merge-follower';
import { SenderIdentity } from './application/sender-identity';

export interface CustomerComponents {
  customerService: CustomerService;
  mergeService: MergeService;
  senders: SenderIdentity;
  follower: MergeFollower;
  /** A conversation's counters against the messages it holds, and their recount (the merge's). */
  counts: ConversationCounts;
}

/** Builds identity, customer and merge components over the shared store and producer. */
export function customerComponents(deps: {
  store: Store;
  producer: EventProducer;
  customers: CustomerRepository;
  conversations: ConversationRepository;
  conversationEvents: ConversationEventsPublisher;
}): CustomerComponents {
  const { store, conversations } = deps;
  const profiles = new CustomerProfileRepository(store);
  const identities = new IdentityLinkRepository(store);
  const merges = new MergeRepository(store);
  const suggestions = new SuggestionRepository(store);
  const mergeService = new MergeService({
    profiles,
    identities,
    conversations,
    merges,
    suggestions,
    conversationEvents: deps.conversationEvents,
    customerEvents: new CustomerEventsPublisher(deps.producer),
  });
  const follower = new MergeFollower({ conversations, profiles, merges, mergeService });
  const senders = new SenderIdentity({
    customers: deps.customers,
    profiles,
    identities,
    conversations,
    suggestions,
    follower,
  });
  const customerService = new CustomerService({ profiles, identities, conversations, suggestions });
  return { customerService, mergeService, senders, follower, counts: merges };
}
