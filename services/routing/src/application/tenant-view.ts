import type { AgentRepository } from '../adapters/mongo/agent.repository';
import type { SlotRepository } from '../adapters/mongo/slot.repository';
import type { AgentSnapshot } from '../domain/agent';
import type { ChannelGroup } from '../domain/channel-group';

/**
 * One read of a tenant's agents and held slot indexes, shared by the
 * decisions of a dispatcher pass instead of two collection scans per
 * decision. It may go stale while the pass runs; that costs nothing in
 * correctness, since the claim is still the unique slot insert: a slot
 * another replica took fails the insert and the next index is tried, and
 * capacity freed meanwhile is pulled by its release.
 */
export class TenantView {
  private constructor(
    readonly snapshots: AgentSnapshot[],
    private readonly used: Map<string, Set<number>>,
  ) {}

  static async load(tenantId: string, agents: AgentRepository, slots: SlotRepository): Promise<TenantView> {
    const { used, lastClaim } = await slots.usedIndexes(tenantId);
    const snapshots = await agents.snapshots(tenantId, new Map());
    for (const snapshot of snapshots) {
      // The agent document learns the time only on release; while held, the slot has it.
      const claimed = lastClaim.get(snapshot.agentId);
      if (claimed && (!snapshot.lastAssignedAt || snapshot.lastAssignedAt < claimed)) snapshot.lastAssignedAt = claimed;
      for (const group of Object.keys(snapshot.load) as ChannelGroup[]) {
        snapshot.load[group] = used.get(TenantView.key(snapshot.agentId, group))?.size ?? 0;
      }
    }
    return new TenantView(snapshots, used);
  }

  private static key(agentId: string, group: ChannelGroup): string {
    return `${agentId}\u0000${group}`;
  }

  /** The slot indexes of an agent in a group known to be taken; the claim adds to it as it learns. */
  usedIndexes(agentId: string, group: ChannelGroup): Set<number> {
    const key = TenantView.key(agentId, group);
    let set = this.used.get(key);
    if (!set) {
      set = new Set();
      this.used.set(key, set);
    }
    return set;
  }

  /** A claim of this pass: later decisions see the agent as just assigned (longest idle goes first). */
  claimed(agentId: string, at: Date): void {
    const snapshot = this.snapshots.find((s) => s.agentId === agentId);
    if (snapshot) snapshot.lastAssignedAt = at;
  }

  /** Keeps the snapshot's load in step with what the claims learned. */
  refreshLoad(agentId: string, group: ChannelGroup): void {
    const snapshot = this.snapshots.find((s) => s.agentId === agentId);
    if (snapshot) snapshot.load[group] = this.usedIndexes(agentId, group).size;
  }
}
