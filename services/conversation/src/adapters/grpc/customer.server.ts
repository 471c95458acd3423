import { type ApiKeyRole, asPrincipal, type Principal, requireRole } from '@omni/auth';
import type { CustomerServiceServer } from '@omni/contracts';
import { principalOf, unary } from '@omni/grpc';
import type { CustomerService } from '../../application/customer.service';
import type { MergeService } from '../../application/merge.service';
import { toConversationSummary, toCustomer, toCustomerMerge, toSuggestedMerge } from './customer-mapping';

/** Who may do what: reading is for every role; merging, splitting and unlinking for integrations and admins. */
const LINKERS: readonly ApiKeyRole[] = ['agent', 'integration', 'admin'];
const CURATORS: readonly ApiKeyRole[] = ['integration', 'admin'];

type Call = Parameters<Parameters<typeof unary>[0]>[1];

function caller(call: Call, roles?: readonly ApiKeyRole[]): Principal {
  const principal = asPrincipal(principalOf(call));
  if (roles) requireRole(principal, roles);
  return principal;
}

/** CustomerService: every call runs in the tenant of the caller's API key. */
export function customerServer(customers: CustomerService, merges: MergeService): CustomerServiceServer {
  return {
    getCustomer: unary(async (request, call) => {
      const details = await customers.getCustomer(caller(call).tenantId, request.customerId);
      return {
        customer: toCustomer(details),
        conversations: details.conversations.map(toConversationSummary),
        resolvedFrom: details.resolvedFrom,
      };
    }),
    searchCustomers: unary(async (request, call) => {
      const page = await customers.searchCustomers(caller(call).tenantId, {
        namePrefix: request.namePrefix,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        ...(request.identity && { identity: request.identity }),
      });
      return { customers: page.items.map(toCustomer), nextPageToken: page.nextPageToken };
    }),
    linkIdentity: unary(async (request, call) => {
      const principal = caller(call, LINKERS);
      const view = await customers.linkIdentity(
        principal.tenantId,
        {
          customerId: request.customerId,
          identity: request.identity,
          evidence: request.evidence,
          verified: request.verified,
        },
        `${principal.role} key ${principal.keyId}`,
      );
      return { customer: toCustomer(view) };
    }),
    unlinkIdentity: unary(async (request, call) => {
      const { tenantId } = caller(call, CURATORS);
      return { customer: toCustomer(await customers.unlinkIdentity(tenantId, request.customerId, request.identity)) };
    }),
    mergeCustomers: unary(async (request, call) => {
      const { tenantId } = caller(call, CURATORS);
      const merge = await merges.merge(tenantId, request.winnerCustomerId, request.loserCustomerId);
      const winner = await customers.getCustomer(tenantId, merge.winnerId);
      return { merge: toCustomerMerge(merge), customer: toCustomer(winner) };
    }),
    splitCustomer: unary(async (request, call) => {
      const { tenantId } = caller(call, CURATORS);
      return { merge: toCustomerMerge(await merges.split(tenantId, request.mergeId)) };
    }),
    listSuggestedMerges: unary(async (request, call) => {
      const { tenantId } = caller(call, CURATORS);
      const page = await customers.listSuggestedMerges(tenantId, {
        includeClosed: request.includeClosed,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return { suggestions: page.items.map(toSuggestedMerge), nextPageToken: page.nextPageToken };
    }),
    dismissSuggestedMerge: unary(async (request, call) => {
      const { tenantId } = caller(call, CURATORS);
      return { suggestion: toSuggestedMerge(await customers.dismissSuggestedMerge(tenantId, request.suggestionId)) };
    }),
  };
}
