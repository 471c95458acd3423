import type { CustomerServiceServer } from '@omni/contracts';
import { grpcOperation } from '@omni/grpc';
import type { CustomerApi } from '../../application/customer-api';

/** The gRPC face of the customer API (the REST routes run the same operations). */
export function customerServer(api: CustomerApi): CustomerServiceServer {
  return {
    getCustomer: grpcOperation(api.getCustomer),
    searchCustomers: grpcOperation(api.searchCustomers),
    linkIdentity: grpcOperation(api.linkIdentity),
    unlinkIdentity: grpcOperation(api.unlinkIdentity),
    mergeCustomers: grpcOperation(api.mergeCustomers),
    splitCustomer: grpcOperation(api.splitCustomer),
    listSuggestedMerges: grpcOperation(api.listSuggestedMerges),
    dismissSuggestedMerge: grpcOperation(api.dismissSuggestedMerge),
  };
}
