import { isDuplicateKeyError, type Store } from '@omni/store';
import type { Collection } from 'mongodb';
import type { AgentSnapshot, Presence, SkillLevels } from '../../domain/agent';
import { CHANNEL_GROUPS, type ChannelGroup, type GroupCounts, zeroCounts } from '../../domain/channel-group';
import { type AgentDocument, agentKey, Collections } from './documents';

export interface AgentProfile {
  agentId: string;
  name: string;
  skills: SkillLevels;
  teams: string[];
  capacity: GroupCounts;
  apiKeyId: string;
}

export function toSnapshot(doc: AgentDocument, load: GroupCounts = zeroCounts()): AgentSnapshot {
  return {
    agentId: doc.agentId,
    skills: doc.skills,
    teams: doc.teams ?? [],
    capacity: doc.capacity,
    load,
    presence: doc.presence,
    heartbeatAt: doc.heartbeatAt,
    lastAssignedAt: doc.lastAssignedAt,
  };
}

/** Agents and their capacity; every change to load is one conditional single-document update. */
export class AgentRepository {
  private readonly agents: Collection<AgentDocument>;

  constructor(store: Store) {
    this.agents = store.collection<AgentDocument>(Collections.agents);
  }

  /** Creates or replaces a profile, keeping presence. Returns the groups whose capacity grew (they may pull waiting work). */
  async upsertProfile(
    tenantId: string,
    profile: AgentProfile,
    now: Date,
  ): Promise<{ agent: AgentDocument; grown: ChannelGroup[] }> {
    const _id = agentKey(tenantId, profile.agentId);
    const { agentId: _agentId, ...changes } = profile;
    for (let attempt = 1; ; attempt++) {
      try {
        const before = await this.agents.findOneAndUpdate(
          { _id },
          {
            $set: { ...changes, updatedAt: now },
            $inc: { version: 1 },
            $setOnInsert: {
              tenantId,
              agentId: profile.agentId,
              presence: 'offline',
              heartbeatAt: new Date(0),
              lastAssignedAt: null,
              createdAt: now,
            },
          },
          { upsert: true, returnDocument: 'before' },
        );
        const grown = CHANNEL_GROUPS.filter((g) => profile.capacity[g] > (before?.capacity[g] ?? 0));
        const agent = await this.agents.findOne({ _id });
        if (!agent) throw new Error(`agent ${_id} vanished after its upsert`);
        return { agent, grown };
      } catch (error: unknown) {
        // Two first upserts at once: one inserts, the other retries as an update.
        if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
      }
    }
  }

  get(tenantId: string, agentId: string): Promise<AgentDocument | null> {
    return this.agents.findOne({ _id: agentKey(tenantId, agentId) });
  }

  /** A page of agents in id order, after `afterAgentId`. */
  list(
    tenantId: string,
    options: { presence?: Presence; afterAgentId?: string; limit: number },
  ): Promise<AgentDocument[]> {
    const filter: Record<string, unknown> = { tenantId };
    if (options.presence) filter.presence = options.presence;
    if (options.afterAgentId) filter.agentId = { $gt: options.afterAgentId };
    return this.agents.find(filter).sort({ agentId: 1 }).limit(options.limit).toArray();
  }

  /** Everything a decision weighs, for every agent of the tenant (the explanation names the excluded too). */
  async snapshots(tenantId: string, loads: Map<string, GroupCounts>): Promise<AgentSnapshot[]> {
    const docs = await this.agents.find({ tenantId }).toArray();
    return docs.map((doc) => toSnapshot(doc, loads.get(doc.agentId)));
  }

  /** Keeps the latest assignment time for the longest-idle tie-break once its slot is gone ($max: order-proof). */
  async noteAssigned(tenantId: string, agentId: string, claimedAt: Date): Promise<void> {
    await this.agents.updateOne({ _id: agentKey(tenantId, agentId) }, { $max: { lastAssignedAt: claimedAt } });
  }

  /** Sets presence; going online also counts as a heartbeat. Returns the agent before and after. */
  async setPresence(tenantId: string, agentId: string, presence: Presence, now: Date) {
    const set: Record<string, unknown> = { presence, updatedAt: now };
    if (presence === 'online') set.heartbeatAt = now;
    const before = await this.agents.findOneAndUpdate(
      { _id: agentKey(tenantId, agentId) },
      { $set: set, $inc: { version: 1 } },
      { returnDocument: 'before' },
    );
    if (!before) return undefined;
    return { before, after: { ...before, ...set, version: before.version + 1 } as AgentDocument };
  }

  async heartbeat(tenantId: string, agentId: string, now: Date): Promise<boolean> {
    const result = await this.agents.updateOne({ _id: agentKey(tenantId, agentId) }, { $set: { heartbeatAt: now } });
    return result.matchedCount === 1;
  }

  /** Online agents whose heartbeat is older than the cutoff. */
  expired(cutoff: Date, limit: number): Promise<AgentDocument[]> {
    return this.agents
      .find({ presence: 'online', heartbeatAt: { $lt: cutoff } })
      .limit(limit)
      .toArray();
  }

  /** Turns an agent offline only if it is still online and silent (a late heartbeat wins). */
  async expire(doc: AgentDocument, cutoff: Date, now: Date): Promise<boolean> {
    const result = await this.agents.updateOne(
      { _id: doc._id, presence: 'online', heartbeatAt: { $lt: cutoff } },
      { $set: { presence: 'offline', updatedAt: now }, $inc: { version: 1 } },
    );
    return result.modifiedCount === 1;
  }

  /** Which of these agents are offline (their slots go back to the queue). */
  async offline(ids: readonly string[]): Promise<AgentDocument[]> {
    if (ids.length === 0) return [];
    return this.agents.find({ _id: { $in: [...ids] }, presence: 'offline' }).toArray();
  }

  /** Available agents of a tenant, for draining the queue. */
  available(tenantId: string, heartbeatCutoff: Date): Promise<AgentDocument[]> {
    return this.agents
      .find({ tenantId, presence: 'online', heartbeatAt: { $gte: heartbeatCutoff } })
      .sort({ agentId: 1 })
      .toArray();
  }

  /** Distinct skill names of the tenant's agents, to warn about policies asking for skills nobody has. */
  async skillNames(tenantId: string): Promise<Set<string>> {
    const docs = await this.agents.find({ tenantId }, { projection: { skills: 1 } }).toArray();
    return new Set(docs.flatMap((d) => Object.keys(d.skills ?? {})));
  }
}
