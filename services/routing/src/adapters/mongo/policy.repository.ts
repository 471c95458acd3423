import { FailedPreconditionError } from '@omni/errors';
import { isDuplicateKeyError, type Store } from '@omni/store';
import type { Collection } from 'mongodb';
import { DEFAULT_POLICY, type RoutingPolicy } from '../../domain/policy';
import { Collections, type PolicyDocument } from './documents';

/** The policy in force per tenant; each accepted upload gets the next version. */
export class PolicyRepository {
  private readonly policies: Collection<PolicyDocument>;
  private readonly cache = new Map<string, { policy: RoutingPolicy; until: number }>();

  /** `cacheMs` bounds how long a replica keeps deciding with a policy another replica replaced. */
  constructor(
    store: Store,
    private readonly cacheMs = 2_000,
  ) {
    this.policies = store.collection<PolicyDocument>(Collections.policies);
  }

  /** The policy for decisions: briefly cached, since every opened conversation needs it. */
  async cached(tenantId: string): Promise<RoutingPolicy> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.policy;
    const policy = await this.current(tenantId);
    this.cache.set(tenantId, { policy, until: Date.now() + this.cacheMs });
    return policy;
  }

  async current(tenantId: string): Promise<RoutingPolicy> {
    const doc = await this.policies.findOne({ _id: tenantId });
    if (!doc) return DEFAULT_POLICY;
    return {
      version: doc.version,
      // Rules stored before optional skills existed have none.
      rules: doc.rules.map((rule) => ({ ...rule, optionalSkills: rule.optionalSkills ?? {} })),
      defaultPriority: doc.defaultPriority,
      escalation: doc.escalation ?? [],
      stickyWaitSeconds: doc.stickyWaitSeconds ?? 0,
      offerTimeoutSeconds: doc.offerTimeoutSeconds ?? 0,
    };
  }

  /** Replaces the policy if nobody else did since `expectedVersion` (0: the default was in force). */
  async replace(tenantId: string, policy: Omit<RoutingPolicy, 'version'>, expectedVersion: number, now: Date) {
    const version = expectedVersion + 1;
    const fields = { ...policy, tenantId, version, updatedAt: now };
    if (expectedVersion === 0) {
      try {
        await this.policies.insertOne({ _id: tenantId, ...fields });
        this.cache.delete(tenantId);
        return { ...policy, version };
      } catch (error: unknown) {
        if (!isDuplicateKeyError(error)) throw error;
        throw new FailedPreconditionError('the policy changed meanwhile; read it again');
      }
    }
    const result = await this.policies.updateOne({ _id: tenantId, version: expectedVersion }, { $set: fields });
    if (result.modifiedCount !== 1) throw new FailedPreconditionError('the policy changed meanwhile; read it again');
    this.cache.delete(tenantId);
    return { ...policy, version };
  }
}
