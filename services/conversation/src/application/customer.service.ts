import type { Identity } from '@omni/contracts';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '@omni/errors';
import type { ConversationRepository } from '../adapters/mongo/conversation.repository';
import type { CustomerProfileRepository } from '../adapters/mongo/customer-profile.repository';
import type { ConversationDocument, CustomerDocument, IdentityDocument } from '../adapters/mongo/documents';
import type { IdentityLinkRepository } from '../adapters/mongo/identity-link.repository';
import type { SuggestionDocument } from '../adapters/mongo/merge-documents';
import type { SuggestionRepository } from '../adapters/mongo/suggestion.repository';
import { requireIdentity } from '../domain/identity-input';
import { decodePageToken, encodePageToken, pageSize } from '../domain/page-token';
import type { Page } from './conversation-queries';

/** Conversations shown with a customer; beyond this the conversation list (filtered by customer) pages on. */
const CONVERSATIONS_SHOWN = 100;

export interface CustomerView {
  customer: CustomerDocument;
  /** The identity documents: each link with its source, evidence and time. */
  identities: IdentityDocument[];
}

export interface CustomerDetails extends CustomerView {
  /** Newest activity first. */
  conversations: ConversationDocument[];
  /** The id asked for when it was merged away ('' otherwise); `customer` is then the winner. */
  resolvedFrom: string;
}

export interface SearchCustomersInput {
  identity?: Identity;
  namePrefix?: string;
  pageSize: number;
  pageToken: string;
}

export interface LinkIdentityInput {
  customerId: string;
  identity: Identity | undefined;
  evidence: string;
  verified: boolean;
}

export interface CustomerServiceDependencies {
  profiles: CustomerProfileRepository;
  identities: IdentityLinkRepository;
  conversations: ConversationRepository;
  suggestions: SuggestionRepository;
}

/** Customers and their identities for the API, always within the caller's tenant. */
export class CustomerService {
  constructor(private readonly deps: CustomerServiceDependencies) {}

  async getCustomer(tenantId: string, customerId: string): Promise<CustomerDetails> {
    const customer = customerId ? await this.deps.profiles.resolve(tenantId, customerId) : null;
    if (!customer) throw new NotFoundError(`customer ${customerId} not found`);
    const [view, conversations] = await Promise.all([
      this.view(customer),
      this.deps.conversations.list(tenantId, { customerId: customer._id }, CONVERSATIONS_SHOWN),
    ]);
    return { ...view, conversations, resolvedFrom: customer._id === customerId ? '' : customerId };
  }

  /** By one identity (at most one customer), or by a case-insensitive name prefix, paged. */
  async searchCustomers(tenantId: string, input: SearchCustomersInput): Promise<Page<CustomerView>> {
    const prefix = input.namePrefix?.trim().toLowerCase() ?? '';
    const byIdentity = Boolean(input.identity?.kind || input.identity?.value);
    if (byIdentity === Boolean(prefix)) {
      throw new InvalidArgumentError('give exactly one of identity or name_prefix', {
        details: [{ field: 'identity', reason: 'exactly one of identity or name_prefix' }],
      });
    }
    const limit = pageSize(input.pageSize);
    if (byIdentity) {
      const identity = requireIdentity(input.identity);
      if (input.pageToken) return { items: [], nextPageToken: '' };
      const link = await this.deps.identities.find(tenantId, identity);
      const customer = link ? await this.deps.profiles.resolve(tenantId, link.customerId) : null;
      return { items: customer ? [await this.view(customer)] : [], nextPageToken: '' };
    }
    const cursor = decodePageToken(input.pageToken, 'customers', 2);
    const after = cursor && { nameKey: String(cursor[0]), id: String(cursor[1]) };
    const found = await this.deps.profiles.searchByName(tenantId, prefix, after, limit + 1);
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await Promise.all(page.map((customer) => this.view(customer))),
      nextPageToken:
        found.length > limit && last
          ? encodePageToken({ kind: 'customers', values: [last.nameKey ?? '', last._id] })
          : '',
    };
  }

  /**
   * Links an identity a caller asserts. One held by another customer is not
   * moved: that is two customers who may be one person, so the answer is
   * FAILED_PRECONDITION naming the holder, and a suggested merge is recorded.
   */
  async linkIdentity(tenantId: string, input: LinkIdentityInput, linkedBy: string): Promise<CustomerView> {
    const identity = requireIdentity(input.identity);
    const customer = await this.current(tenantId, input.customerId);
    const holder = await this.deps.identities.link({
      tenantId,
      identity,
      customerId: customer._id,
      source: 'api',
      evidence: [input.evidence.trim(), `asserted by ${linkedBy}`].filter(Boolean).join('; '),
      verified: input.verified,
    });
    const current = (await this.deps.profiles.resolve(tenantId, holder)) ?? customer;
    if (current._id !== customer._id) {
      const suggestion = await this.deps.suggestions.suggest({
        tenantId,
        customerId: customer._id,
        otherCustomerId: current._id,
        reason: 'link_conflict',
        evidence: `${linkedBy} linked ${identity.value}, held by ${current._id}, to ${customer._id}`,
      });
      throw new FailedPreconditionError(`the identity belongs to customer ${current._id}`, {
        details: [{ field: 'identity', reason: `held by customer ${current._id}; suggested merge ${suggestion._id}` }],
      });
    }
    return this.synced(customer);
  }

  async unlinkIdentity(tenantId: string, customerId: string, identity: Identity | undefined): Promise<CustomerView> {
    const valid = requireIdentity(identity);
    const customer = await this.current(tenantId, customerId);
    if (!(await this.deps.identities.unlink(tenantId, valid, customer._id))) {
      throw new NotFoundError(`customer ${customerId} has no such identity`);
    }
    return this.synced(customer);
  }

  async listSuggestedMerges(
    tenantId: string,
    input: { includeClosed: boolean; pageSize: number; pageToken: string },
  ): Promise<Page<SuggestionDocument>> {
    const limit = pageSize(input.pageSize);
    const cursor = decodePageToken(input.pageToken, 'suggestions', 2);
    const after = cursor && { createdAt: new Date(Number(cursor[0])), id: String(cursor[1]) };
    const found = await this.deps.suggestions.list(tenantId, input.includeClosed, after, limit + 1);
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page,
      nextPageToken:
        found.length > limit && last
          ? encodePageToken({ kind: 'suggestions', values: [last.createdAt.getTime(), last._id] })
          : '',
    };
  }

  async dismissSuggestedMerge(tenantId: string, suggestionId: string): Promise<SuggestionDocument> {
    const suggestion = suggestionId ? await this.deps.suggestions.findById(tenantId, suggestionId) : null;
    if (!suggestion) throw new NotFoundError(`suggested merge ${suggestionId} not found`);
    if (suggestion.status === 'merged') {
      throw new FailedPreconditionError(`suggested merge ${suggestionId} was carried out`);
    }
    await this.deps.suggestions.setStatus(tenantId, suggestionId, 'dismissed');
    return { ...suggestion, status: 'dismissed' };
  }

  /** Identity changes go to the customer an id stands for today. */
  private async current(tenantId: string, customerId: string): Promise<CustomerDocument> {
    const customer = customerId ? await this.deps.profiles.resolve(tenantId, customerId) : null;
    if (!customer) throw new NotFoundError(`customer ${customerId} not found`);
    return customer;
  }

  private async synced(customer: CustomerDocument): Promise<CustomerView> {
    const identities = await this.deps.identities.listByCustomer(customer.tenantId, customer._id);
    await this.deps.profiles.syncIdentities(customer.tenantId, customer._id, identities);
    return { customer, identities };
  }

  private async view(customer: CustomerDocument): Promise<CustomerView> {
    return { customer, identities: await this.deps.identities.listByCustomer(customer.tenantId, customer._id) };
  }
}
