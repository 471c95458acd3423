import * as contracts from '@omni/contracts';
import { operationRoutes, type RestRoute } from '@omni/rest';
import type { CustomerApi } from '../../application/customer-api';

const CUSTOMER = '/v1/customers/:customerId';
const SUGGESTIONS = '/v1/suggested-merges';

/** REST under /v1: the CustomerService operations as JSON, one route each. */
export function customerRoutes(api: CustomerApi): RestRoute[] {
  return operationRoutes(api, { protoPackage: 'omni.v1', codecs: contracts, tag: 'Customers' }, [
    {
      method: 'get',
      path: '/v1/customers',
      operation: 'searchCustomers',
      summary:
        'Find customers by one identity (identity.kind, identity.value) or by a name prefix (name_prefix, cursor)',
    },
    {
      method: 'get',
      path: CUSTOMER,
      operation: 'getCustomer',
      summary: 'A customer with its identities and conversations; a merged-away id answers with the winner',
    },
    {
      method: 'post',
      path: `${CUSTOMER}/identities`,
      operation: 'linkIdentity',
      summary: 'Link an identity (with evidence); one held by another customer is 409 and a suggested merge',
      successStatus: 201,
    },
    {
      method: 'delete',
      path: `${CUSTOMER}/identities`,
      operation: 'unlinkIdentity',
      summary: 'Unlink the identity named by identity.kind and identity.value',
    },
    {
      method: 'post',
      path: '/v1/customers/:winnerCustomerId/merges',
      operation: 'mergeCustomers',
      summary: 'Merge loserCustomerId into this customer (idempotent; a retry finishes a stopped merge)',
      successStatus: 201,
    },
    {
      method: 'post',
      path: '/v1/merges/:mergeId/split',
      operation: 'splitCustomer',
      summary: 'Undo a merge: identities, conversations, messages and notes go back to the loser',
    },
    {
      method: 'get',
      path: SUGGESTIONS,
      operation: 'listSuggestedMerges',
      summary: 'Customers that look like one person but were not merged automatically (cursor)',
    },
    {
      method: 'post',
      path: `${SUGGESTIONS}/:suggestionId/dismiss`,
      operation: 'dismissSuggestedMerge',
      summary: 'Dismiss a suggested merge',
    },
  ]);
}
