import { type ApiKeyRole, apiOperation as operation } from '@omni/auth';
import type {
  DismissSuggestedMergeRequest,
  DismissSuggestedMergeResponse,
  GetCustomerRequest,
  GetCustomerResponse,
  LinkIdentityRequest,
  LinkIdentityResponse,
  ListSuggestedMergesRequest,
  ListSuggestedMergesResponse,
  MergeCustomersRequest,
  MergeCustomersResponse,
  SearchCustomersRequest,
  SearchCustomersResponse,
  SplitCustomerRequest,
  SplitCustomerResponse,
  UnlinkIdentityRequest,
  UnlinkIdentityResponse,
} from '@omni/contracts';
import {
  toConversationSummary,
  toCustomer,
  toCustomerMerge,
  toSuggestedMerge,
} from '../adapters/grpc/customer-mapping';
import type { CustomerService } from './customer.service';
import type { MergeService } from './merge.service';

const READERS: readonly ApiKeyRole[] = ['agent', 'admin', 'integration'];
/** Agents link what a customer tells them (the Messenger id on day three); integrations assert identities too. */
const LINKERS: readonly ApiKeyRole[] = ['agent', 'integration', 'admin'];
/** Unlinking, merging, splitting and curating suggestions change who a customer is: integrations and admins. */
const CURATORS: readonly ApiKeyRole[] = ['integration', 'admin'];

/** The CustomerService operations, each checked against the caller's role and scoped to its tenant. */
export function customerApi(customers: CustomerService, merges: MergeService) {
  return {
    getCustomer: operation<GetCustomerRequest, GetCustomerResponse>(READERS, async ({ tenantId }, req) => {
      const details = await customers.getCustomer(tenantId, req.customerId);
      return {
        customer: toCustomer(details),
        conversations: details.conversations.map(toConversationSummary),
        resolvedFrom: details.resolvedFrom,
      };
    }),
    searchCustomers: operation<SearchCustomersRequest, SearchCustomersResponse>(READERS, async ({ tenantId }, req) => {
      const page = await customers.searchCustomers(tenantId, {
        namePrefix: req.namePrefix,
        pageSize: req.pageSize,
        pageToken: req.pageToken,
        ...(req.identity && { identity: req.identity }),
      });
      return { customers: page.items.map(toCustomer), nextPageToken: page.nextPageToken };
    }),
    linkIdentity: operation<LinkIdentityRequest, LinkIdentityResponse>(LINKERS, async (principal, req) => {
      const { customerId, identity, evidence, verified } = req;
      const linkedBy = `${principal.role} key ${principal.keyId}`;
      const view = await customers.linkIdentity(
        principal.tenantId,
        { customerId, identity, evidence, verified },
        linkedBy,
      );
      return { customer: toCustomer(view) };
    }),
    unlinkIdentity: operation<UnlinkIdentityRequest, UnlinkIdentityResponse>(CURATORS, async ({ tenantId }, req) => ({
      customer: toCustomer(await customers.unlinkIdentity(tenantId, req.customerId, req.identity)),
    })),
    mergeCustomers: operation<MergeCustomersRequest, MergeCustomersResponse>(CURATORS, async ({ tenantId }, req) => {
      const merge = await merges.merge(tenantId, req.winnerCustomerId, req.loserCustomerId);
      const winner = await customers.getCustomer(tenantId, merge.winnerId);
      return { merge: toCustomerMerge(merge), customer: toCustomer(winner) };
    }),
    splitCustomer: operation<SplitCustomerRequest, SplitCustomerResponse>(CURATORS, async ({ tenantId }, req) => ({
      merge: toCustomerMerge(await merges.split(tenantId, req.mergeId)),
    })),
    listSuggestedMerges: operation<ListSuggestedMergesRequest, ListSuggestedMergesResponse>(
      CURATORS,
      async ({ tenantId }, req) => {
        const { includeClosed, pageSize, pageToken } = req;
        const page = await customers.listSuggestedMerges(tenantId, { includeClosed, pageSize, pageToken });
        return { suggestions: page.items.map(toSuggestedMerge), nextPageToken: page.nextPageToken };
      },
    ),
    dismissSuggestedMerge: operation<DismissSuggestedMergeRequest, DismissSuggestedMergeResponse>(
      CURATORS,
      async ({ tenantId }, req) => ({
        suggestion: toSuggestedMerge(await customers.dismissSuggestedMerge(tenantId, req.suggestionId)),
      }),
    ),
  };
}

export type CustomerApi = ReturnType<typeof customerApi>;
