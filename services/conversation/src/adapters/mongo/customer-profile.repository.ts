import { findOwned, type Store } from '@omni/store';
import { Collections, type CustomerDocument, type IdentityDocument } from './documents';

/** A chain of merges longer than this is a bug (merges lock both sides, so no cycle can form). */
const MAX_MERGE_HOPS = 16;

export interface NameCursor {
  nameKey: string;
  id: string;
}

/** Customer documents as the customer API and merges read and change them. */
export class CustomerProfileRepository {
  constructor(private readonly store: Store) {}

  private get customers() {
    return this.store.collection<CustomerDocument>(Collections.customers);
  }

  findById(tenantId: string, id: string): Promise<CustomerDocument | null> {
    return findOwned(this.customers, tenantId, id);
  }

  /** The customer an id stands for today: merged-away ids lead to their winner. */
  async resolve(tenantId: string, id: string): Promise<CustomerDocument | null> {
    let current = await this.findById(tenantId, id);
    for (let hop = 0; current?.mergedInto && hop < MAX_MERGE_HOPS; hop++) {
      current = await this.findById(tenantId, current.mergedInto);
    }
    return current;
  }

  /** Customers whose lower-cased name starts with `prefix`, by name then id, after the cursor. */
  searchByName(tenantId: string, prefix: string, after: NameCursor | undefined, limit: number) {
    const range = { $gte: prefix, $lt: `${prefix}\uffff` };
    const query: Record<string, unknown> = { tenantId, nameKey: range, mergedInto: { $exists: false } };
    if (after) {
      query.$or = [{ nameKey: { ...range, $gt: after.nameKey } }, { nameKey: after.nameKey, _id: { $gt: after.id } }];
      delete query.nameKey;
    }
    return this.customers.find(query).sort({ nameKey: 1, _id: 1 }).limit(limit).toArray();
  }

  async markMerged(tenantId: string, loserId: string, winnerId: string, mergeId: string): Promise<void> {
    await this.customers.updateOne(
      { _id: loserId, tenantId },
      { $set: { mergedInto: winnerId, mergedBy: mergeId, updatedAt: new Date() } },
    );
  }

  async clearMerged(tenantId: string, loserId: string): Promise<void> {
    await this.customers.updateOne(
      { _id: loserId, tenantId },
      { $unset: { mergedInto: '', mergedBy: '' }, $inc: { splitCount: 1 }, $set: { updatedAt: new Date() } },
    );
  }

  /** Rewrites the denormalized identity list from the identity documents (the truth). */
  async syncIdentities(tenantId: string, customerId: string, identities: readonly IdentityDocument[]): Promise<void> {
    await this.customers.updateOne(
      { _id: customerId, tenantId },
      {
        $set: {
          identities: identities.map((doc) => ({ kind: doc.kind, value: doc.value })),
          updatedAt: new Date(),
        },
      },
    );
  }
}
