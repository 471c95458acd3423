import type { Identity } from '@omni/contracts';
import { findOwned, isDuplicateKeyError, type Store } from '@omni/store';
import { identityKey, normalizeIdentityValue } from '../../domain/identity-key';
import { Collections, type IdentityDocument } from './documents';
import type { MovedIdentity } from './merge-documents';

export interface LinkInput {
  tenantId: string;
  identity: Identity;
  customerId: string;
  source: string;
  evidence: string;
  verified: boolean;
}

/** The `identities` documents: which customer an external identity leads to, and why. */
export class IdentityLinkRepository {
  constructor(private readonly store: Store) {}

  private get identities() {
    return this.store.collection<IdentityDocument>(Collections.identities);
  }

  find(tenantId: string, identity: Identity): Promise<IdentityDocument | null> {
    return findOwned(this.identities, tenantId, identityKey(tenantId, identity.kind, identity.value));
  }

  /**
   * Links an identity nobody holds; the insert decides a race. Returns the
   * customer that holds it afterwards: `input.customerId` when this call or an
   * earlier one linked it there, another id when someone else holds it.
   */
  async link(input: LinkInput): Promise<string> {
    const key = identityKey(input.tenantId, input.identity.kind, input.identity.value);
    const now = new Date();
    try {
      await this.identities.insertOne({
        _id: key,
        tenantId: input.tenantId,
        kind: input.identity.kind,
        value: normalizeIdentityValue(input.identity.kind, input.identity.value),
        customerId: input.customerId,
        verified: input.verified,
        source: input.source,
        evidence: input.evidence,
        linkedAt: now,
        createdAt: now,
      });
      return input.customerId;
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      const holder = await this.identities.findOne({ _id: key });
      if (!holder) throw error;
      return holder.customerId;
    }
  }

  listByCustomer(tenantId: string, customerId: string): Promise<IdentityDocument[]> {
    return this.identities.find({ tenantId, customerId }).sort({ _id: 1 }).toArray();
  }

  /** Moves one identity from `from` to `to` (a no-op once moved). */
  async move(tenantId: string, key: string, from: string, to: string, evidence: string): Promise<void> {
    await this.identities.updateOne(
      { _id: key, tenantId, customerId: from },
      { $set: { customerId: to, source: 'merge', evidence, linkedAt: new Date() } },
    );
  }

  /** Gives a moved identity back to `customerId` with the link it had before the merge. */
  async restore(tenantId: string, customerId: string, moved: MovedIdentity): Promise<void> {
    await this.identities.updateOne(
      { _id: moved.key, tenantId },
      {
        $set: {
          customerId,
          source: moved.source,
          evidence: moved.evidence,
          linkedAt: moved.linkedAt,
          verified: moved.verified,
        },
      },
    );
  }

  /** Removes the identity if `customerId` holds it; false when it does not. */
  async unlink(tenantId: string, identity: Identity, customerId: string): Promise<boolean> {
    const key = identityKey(tenantId, identity.kind, identity.value);
    const result = await this.identities.deleteOne({ _id: key, tenantId, customerId });
    return result.deletedCount === 1;
  }
}

export function toMovedIdentity(doc: IdentityDocument): MovedIdentity {
  return {
    key: doc._id,
    kind: doc.kind,
    value: doc.value,
    verified: doc.verified,
    source: doc.source,
    evidence: doc.evidence ?? '',
    linkedAt: doc.linkedAt ?? doc.createdAt,
  };
}
