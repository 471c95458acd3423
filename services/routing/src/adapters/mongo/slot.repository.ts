import { isDuplicateKeyError, type Store } from '@omni/store';
import type { Collection } from 'mongodb';
import { type ChannelGroup, type GroupCounts, zeroCounts } from '../../domain/channel-group';
import { Collections, type SlotDocument, slotKey, stateKey } from './documents';

export type ClaimResult =
  | { outcome: 'claimed'; slot: SlotDocument; loadAfter: number }
  | { outcome: 'full' }
  /** The conversation already holds a slot (another decision won). */
  | { outcome: 'taken'; slot: SlotDocument | null };

export interface ClaimInput {
  tenantId: string;
  agentId: string;
  group: ChannelGroup;
  capacity: number;
  conversationId: string;
  eventId: string;
  decisionId: string;
  escalationStep: number;
  offerExpiresAt?: Date;
  now: Date;
  /** Indexes known to be taken (read once for many claims); learned ones are added. Read here when absent. */
  used?: Set<number>;
}

/** Capacity claims as inserts guarded by unique keys: the one concurrency primitive FerretDB v1 enforces. */
export class SlotRepository {
  private readonly slots: Collection<SlotDocument>;

  constructor(store: Store) {
    this.slots = store.collection<SlotDocument>(Collections.slots);
  }

  /** Takes the lowest free slot index below the agent's capacity, or says why not. */
  async claim(input: ClaimInput): Promise<ClaimResult> {
    const { tenantId, agentId, group, capacity, conversationId } = input;
    const conversationKey = stateKey(tenantId, conversationId);
    const used =
      input.used ?? new Set((await this.slots.find({ tenantId, agentId, group }).toArray()).map((s) => s.index));
    for (let index = 0; index < capacity; index++) {
      if (used.has(index)) continue;
      const slot: SlotDocument = {
        _id: slotKey(tenantId, agentId, group, index),
        tenantId,
        agentId,
        group,
        index,
        conversationKey,
        conversationId,
        claimedAt: input.now,
        eventId: input.eventId,
        decisionId: input.decisionId,
        escalationStep: input.escalationStep,
      };
      if (input.offerExpiresAt) slot.offerExpiresAt = input.offerExpiresAt;
      try {
        await this.slots.insertOne(slot);
        used.add(index);
        // The slots seen plus this one: never more than capacity, since every index is below it.
        return { outcome: 'claimed', slot, loadAfter: used.size };
      } catch (error: unknown) {
        if (!isDuplicateKeyError(error)) throw error;
        const holder = await this.slots.findOne({ conversationKey });
        if (holder) return { outcome: 'taken', slot: holder };
        // Someone else took this index for another conversation: try the next one.
        used.add(index);
      }
    }
    return { outcome: 'full' };
  }

  forConversation(tenantId: string, conversationId: string): Promise<SlotDocument | null> {
    return this.slots.findOne({ conversationKey: stateKey(tenantId, conversationId) });
  }

  /** Frees the conversation's slot; true only for the caller that actually deleted it. */
  async release(slot: Pick<SlotDocument, '_id' | 'conversationKey'>): Promise<boolean> {
    const result = await this.slots.deleteOne({ _id: slot._id, conversationKey: slot.conversationKey });
    return result.deletedCount === 1;
  }

  /** Frees an offered slot unless it was accepted meanwhile; true only for the caller that deleted it. */
  async withdrawOffer(slot: Pick<SlotDocument, '_id' | 'conversationKey'>): Promise<boolean> {
    const filter = { _id: slot._id, conversationKey: slot.conversationKey, acceptedAt: { $exists: false } };
    return (await this.slots.deleteOne(filter)).deletedCount === 1;
  }

  byAgent(tenantId: string, agentId: string): Promise<SlotDocument[]> {
    return this.slots.find({ tenantId, agentId }).toArray();
  }

  /** Live load per agent and group for a tenant (or for one agent). */
  async loads(tenantId: string, agentId?: string): Promise<Map<string, GroupCounts>> {
    const filter: Record<string, unknown> = { tenantId };
    if (agentId) filter.agentId = agentId;
    const loads = new Map<string, GroupCounts>();
    for (const slot of await this.slots.find(filter, { projection: { agentId: 1, group: 1 } }).toArray()) {
      const counts = loads.get(slot.agentId) ?? zeroCounts();
      counts[slot.group]++;
      loads.set(slot.agentId, counts);
    }
    return loads;
  }

  /** Offers past their deadline that nobody accepted. */
  expiredOffers(now: Date, limit: number): Promise<SlotDocument[]> {
    return this.slots
      .find({ offerExpiresAt: { $lt: now }, acceptedAt: { $exists: false } })
      .limit(limit)
      .toArray();
  }

  /** Turns the offer into an assignment; false when the slot is gone (declined, expired or released). */
  async accept(slot: SlotDocument, now: Date): Promise<boolean> {
    const result = await this.slots.updateOne(
      { _id: slot._id, conversationKey: slot.conversationKey },
      { $set: { acceptedAt: slot.acceptedAt ?? now } },
    );
    return result.matchedCount === 1;
  }

  /** Held slot indexes per agent and group (key: agent id, NUL, group) and each agent's latest claim, in one read. */
  async usedIndexes(tenantId: string): Promise<{ used: Map<string, Set<number>>; lastClaim: Map<string, Date> }> {
    const used = new Map<string, Set<number>>();
    const lastClaim = new Map<string, Date>();
    const projection = { agentId: 1, group: 1, index: 1, claimedAt: 1 };
    const held = await this.slots.find({ tenantId }, { projection }).toArray();
    for (const slot of held) {
      const latest = lastClaim.get(slot.agentId);
      if (!latest || latest < slot.claimedAt) lastClaim.set(slot.agentId, slot.claimedAt);
      const key = `${slot.agentId}\u0000${slot.group}`;
      const set = used.get(key) ?? new Set<number>();
      set.add(slot.index);
      used.set(key, set);
    }
    return { used, lastClaim };
  }

  /** Every slot, for reconciliation with the routing states (bounded by the conversations in progress). */
  all(limit: number): Promise<SlotDocument[]> {
    return this.slots.find({}).limit(limit).toArray();
  }
}
