import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type ApiKeyRole, issueApiKey } from '@omni/auth';
import {
  Channel,
  CustomerServiceClient,
  DismissSuggestedMergeRequest,
  type DismissSuggestedMergeResponse,
  deterministicId,
  GetCustomerRequest,
  type GetCustomerResponse,
  type Identity,
  IdentityKind,
  InboundMessage,
  LinkIdentityRequest,
  type LinkIdentityResponse,
  ListSuggestedMergesRequest,
  type ListSuggestedMergesResponse,
  MergeCustomersRequest,
  type MergeCustomersResponse,
  SearchCustomersRequest,
  type SearchCustomersResponse,
  SplitCustomerRequest,
  type SplitCustomerResponse,
  UnlinkIdentityRequest,
  type UnlinkIdentityResponse,
} from '@omni/contracts';
import type { Harness } from './conversation-harness';

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

function unaryCall<Req, Res>(
  invoke: (request: Req, metadata: Metadata, callback: Callback<Res>) => unknown,
  request: Req,
  key: string | undefined,
): Promise<Res> {
  const metadata = new Metadata();
  if (key !== undefined) metadata.set('authorization', `Bearer ${key}`);
  return new Promise((resolve, reject) => {
    invoke(request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

export function customerClient(h: Harness): CustomerServiceClient {
  return new CustomerServiceClient(`127.0.0.1:${h.service.grpcPort}`, credentials.createInsecure());
}

export async function keyWithRole(h: Harness, tenantId: string, role: ApiKeyRole): Promise<string> {
  return (await issueApiKey(h.service.runtime.store, { tenantId, role, name: `${role}-test` })).key;
}

/** CustomerService as a caller holding `key` sees it. */
export function customers(client: CustomerServiceClient, key?: string) {
  return {
    get: (customerId: string) =>
      unaryCall<GetCustomerRequest, GetCustomerResponse>(
        (r, m, cb) => client.getCustomer(r, m, cb),
        GetCustomerRequest.fromPartial({ customerId }),
        key,
      ),
    search: (request: Partial<SearchCustomersRequest>) =>
      unaryCall<SearchCustomersRequest, SearchCustomersResponse>(
        (r, m, cb) => client.searchCustomers(r, m, cb),
        SearchCustomersRequest.fromPartial(request),
        key,
      ),
    link: (request: Partial<LinkIdentityRequest>) =>
      unaryCall<LinkIdentityRequest, LinkIdentityResponse>(
        (r, m, cb) => client.linkIdentity(r, m, cb),
        LinkIdentityRequest.fromPartial(request),
        key,
      ),
    unlink: (request: Partial<UnlinkIdentityRequest>) =>
      unaryCall<UnlinkIdentityRequest, UnlinkIdentityResponse>(
        (r, m, cb) => client.unlinkIdentity(r, m, cb),
        UnlinkIdentityRequest.fromPartial(request),
        key,
      ),
    merge: (winnerCustomerId: string, loserCustomerId: string) =>
      unaryCall<MergeCustomersRequest, MergeCustomersResponse>(
        (r, m, cb) => client.mergeCustomers(r, m, cb),
        MergeCustomersRequest.fromPartial({ winnerCustomerId, loserCustomerId }),
        key,
      ),
    split: (mergeId: string) =>
      unaryCall<SplitCustomerRequest, SplitCustomerResponse>(
        (r, m, cb) => client.splitCustomer(r, m, cb),
        SplitCustomerRequest.fromPartial({ mergeId }),
        key,
      ),
    suggestions: (request: Partial<ListSuggestedMergesRequest> = {}) =>
      unaryCall<ListSuggestedMergesRequest, ListSuggestedMergesResponse>(
        (r, m, cb) => client.listSuggestedMerges(r, m, cb),
        ListSuggestedMergesRequest.fromPartial(request),
        key,
      ),
    dismiss: (suggestionId: string) =>
      unaryCall<DismissSuggestedMergeRequest, DismissSuggestedMergeResponse>(
        (r, m, cb) => client.dismissSuggestedMerge(r, m, cb),
        DismissSuggestedMergeRequest.fromPartial({ suggestionId }),
        key,
      ),
  };
}

export type CustomerApi = ReturnType<typeof customers>;

export const email = (value: string): Identity => ({ kind: IdentityKind.IDENTITY_KIND_EMAIL, value });
export const phone = (value: string): Identity => ({ kind: IdentityKind.IDENTITY_KIND_PHONE, value });

let clock = Date.now() - 1_800_000;

/** A WhatsApp message as ingest-social publishes it: the sender is the wa_id as E.164. */
export function whatsapp(from: string, wamid: string, text = 'hello on WhatsApp', tenantId = 'acme'): InboundMessage {
  clock += 1_000;
  return InboundMessage.fromPartial({
    id: deterministicId('msg', tenantId, 'whatsapp', wamid),
    tenantId,
    inboxId: 'wa',
    channel: Channel.CHANNEL_WHATSAPP,
    channelMessageId: wamid,
    sender: { identity: phone(from), displayName: 'Ana Lima' },
    text,
    replyText: text,
    receivedAt: new Date(),
    sentAt: new Date(clock),
  });
}

/** The customer holding an identity, once its first message was stored. */
export async function customerIdOf(api: CustomerApi, identity: Identity): Promise<string | undefined> {
  const { customers: found } = await api.search({ identity });
  return found[0]?.id;
}
