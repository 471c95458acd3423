import type { Identity, Participant } from '@omni/contracts';
import { deterministicId } from '@omni/contracts';
import type { Store } from '@omni/store';
import { isDuplicateKeyError } from '@omni/store';
import { identityKey, normalizeIdentityValue } from '../../domain/identity-key';
import { Collections, type CustomerDocument, type IdentityDocument } from './documents';

/** Customers and the external identities that lead to them. */
export class CustomerRepository {
  constructor(private readonly store: Store) {}

  private get identities() {
    return this.store.collection<IdentityDocument>(Collections.identities);
  }

  private get customers() {
    return this.store.collection<CustomerDocument>(Collections.customers);
  }

  /**
   * The customer holding this identity, created on first sight. The identity
   * insert decides races: the loser reads the winner's link. The customer id
   * derives from the identity, so both racers (and replays) write the same
   * customer document.
   */
  async findOrCreate(tenantId: string, sender: Participant, source: string, evidence = ''): Promise<string> {
    const identity = sender.identity as Identity;
    const key = identityKey(tenantId, identity.kind, identity.value);
    const existing = await this.identities.findOne({ _id: key });
    if (existing) return existing.customerId;

    const now = new Date();
    const customerId = deterministicId('cus', key);
    const value = normalizeIdentityValue(identity.kind, identity.value);
    await this.upsertCustomer({
      _id: customerId,
      tenantId,
      displayName: sender.displayName,
      nameKey: sender.displayName.toLowerCase(),
      identities: [{ kind: identity.kind, value }],
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.identities.insertOne({
        _id: key,
        tenantId,
        kind: identity.kind,
        value,
        customerId,
        verified: false,
        source,
        evidence,
        linkedAt: now,
        createdAt: now,
      });
      return customerId;
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.identities.findOne({ _id: key });
      if (!winner) throw error;
      return winner.customerId;
    }
  }

  /** The customer holding an identity, if any (tenant-scoped by the key). */
  async findIdByIdentity(tenantId: string, identity: Identity): Promise<string | undefined> {
    const doc = await this.identities.findOne({ _id: identityKey(tenantId, identity.kind, identity.value) });
    return doc?.customerId;
  }

  private async upsertCustomer(doc: CustomerDocument): Promise<void> {
    const { _id, ...fields } = doc;
    try {
      await this.customers.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
    } catch (error: unknown) {
      // Two upserts of the same new id race: the other one created it, which is all we wanted.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
