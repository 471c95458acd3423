import { isDuplicateKeyError, type Store } from '@omni/store';
import type { Collection } from 'mongodb';
import type { SkillLevels } from '../../domain/agent';
import type { ChannelGroup } from '../../domain/channel-group';
import type { EffectiveRequirement, EscalationStep } from '../../domain/escalation';
import {
  type ClosureDocument,
  Collections,
  type PendingAssignmentEvent,
  type RoutingStateDocument,
  stateKey,
} from './documents';

export interface OpenInput {
  tenantId: string;
  conversationId: string;
  group: ChannelGroup;
  requiredSkills: SkillLevels;
  teams: string[];
  baseRequiredSkills: SkillLevels;
  optionalSkills: SkillLevels;
  escalation: EscalationStep[];
  escalationDueAt: Date | null;
  stickyUntil: Date | null;
  offerTimeoutSeconds: number;
  priority: number;
  team: string;
  policyVersion: number;
  slaDueAt: Date;
  enqueuedAt: Date;
  lastAgentId: string;
  eventVersion: number;
  trigger: string;
}

export interface Transition {
  to: 'queued';
  agentId: string | null;
  decisionId?: string;
  eventId: string;
  event: PendingAssignmentEvent;
  /** Only for a requeue: the agent the conversation must still be assigned to. */
  fromAgentId?: string;
  /** The agent declined the offer or let it time out: not offered again during this wait. */
  excludeAgentId?: string;
}

/**
 * Routing state per conversation: what it needs and whether it waits. Who
 * holds it is decided by `agent_slots`; this document follows, and the sweep
 * reconciles the two. Queue transitions carry their AssignmentEvent in the
 * same update (outbox).
 */
export class RoutingStateRepository {
  private readonly states: Collection<RoutingStateDocument>;
  private readonly closures: Collection<ClosureDocument>;

  constructor(store: Store) {
    this.states = store.collection<RoutingStateDocument>(Collections.states);
    this.closures = store.collection<ClosureDocument>(Collections.closures);
  }

  /** Records the closure first, so a decision racing with it sees it whatever happens to the state document. */
  async recordClosure(tenantId: string, conversationId: string, version: number, now: Date): Promise<void> {
    const _id = stateKey(tenantId, conversationId);
    try {
      await this.closures.insertOne({ _id, tenantId, conversationId, version, closedAt: now });
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      // Closed before and reopened since: a later closure raises the version.
      await this.closures.updateOne({ _id, version: { $lt: version } }, { $set: { version, closedAt: now } });
    }
  }

  /** Closed by an event at least as new as the one that (re)opened it. */
  async isClosed(state: Pick<RoutingStateDocument, '_id' | 'lifecycleVersion'>): Promise<boolean> {
    const closure = await this.closures.findOne({ _id: state._id });
    return closure !== null && closure.version >= state.lifecycleVersion;
  }

  /** States and closures of many conversations in two reads, for reconciliation. */
  async manyWithClosures(ids: readonly string[]) {
    const [states, closures] = await Promise.all([
      this.states.find({ _id: { $in: [...ids] } }).toArray(),
      this.closures.find({ _id: { $in: [...ids] } }).toArray(),
    ]);
    return { states: new Map(states.map((s) => [s._id, s])), closures: new Map(closures.map((c) => [c._id, c])) };
  }

  /** Closure proofs, for repairing state documents a concurrent rewrite reopened. */
  closedSince(since: Date, limit: number): Promise<ClosureDocument[]> {
    return this.closures
      .find({ closedAt: { $gte: since } })
      .limit(limit)
      .toArray();
  }

  get(tenantId: string, conversationId: string): Promise<RoutingStateDocument | null> {
    return this.states.findOne({ _id: stateKey(tenantId, conversationId) });
  }

  /** Queues a new conversation, or a closed one reopened by a newer event; a replay changes nothing. */
  async open(input: OpenInput, now: Date): Promise<RoutingStateDocument | null> {
    const _id = stateKey(input.tenantId, input.conversationId);
    const closure = await this.closures.findOne({ _id });
    if (closure && closure.version >= input.eventVersion) return this.states.findOne({ _id });
    const { eventVersion, ...fields } = input;
    // A new wait: no escalation step, breach or declined agent carries over from a previous one.
    const waiting = {
      ...fields,
      state: 'queued' as const,
      agentId: null,
      queueAnnounced: false,
      escalationStep: 0,
      slaBreached: false,
      excludedAgentIds: [],
      updatedAt: now,
    };
    const fresh: RoutingStateDocument = {
      _id,
      ...waiting,
      routeVersion: 0,
      lifecycleVersion: eventVersion,
      decisionId: '',
      outbox: {},
      outboxCount: 0,
    };
    try {
      await this.states.insertOne(fresh);
      return fresh;
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
      // A reopen: only after a closure, judged by the closure record rather than the state field,
      // which a concurrent rewrite may have turned back.
      if (closure) {
        await this.states.updateOne(
          { _id, lifecycleVersion: { $lt: eventVersion } },
          { $set: { ...waiting, lifecycleVersion: eventVersion }, $inc: { routeVersion: 1 } },
        );
      }
    }
    return this.states.findOne({ _id });
  }

  /** Repairs a state document that a concurrent rewrite put back to waiting or assigned. */
  async markClosed(id: string, version: number, now: Date): Promise<void> {
    await this.states.updateOne(
      { _id: id },
      { $set: { state: 'closed', agentId: null, lifecycleVersion: version, updatedAt: now } },
    );
  }

  /**
   * Closes the conversation (resolved or merged away) unless a newer event
   * already decided its fate. A close for a conversation routing never saw
   * leaves a tombstone, so a late replay of its opening is ignored.
   */
  async close(
    tenantId: string,
    conversationId: string,
    eventVersion: number,
    now: Date,
  ): Promise<RoutingStateDocument | null> {
    const _id = stateKey(tenantId, conversationId);
    await this.recordClosure(tenantId, conversationId, eventVersion, now);
    const closed = await this.states.findOneAndUpdate(
      { _id, lifecycleVersion: { $lt: eventVersion } },
      { $set: { state: 'closed', lifecycleVersion: eventVersion, updatedAt: now }, $inc: { routeVersion: 1 } },
      { returnDocument: 'after' },
    );
    if (closed) return closed;
    const existing = await this.states.findOne({ _id });
    if (existing) return existing;
    try {
      await this.states.insertOne({
        _id,
        tenantId,
        conversationId,
        state: 'closed',
        trigger: 'closed',
        group: 'messaging',
        requiredSkills: {},
        teams: [],
        priority: 0,
        team: '',
        policyVersion: 0,
        slaDueAt: now,
        enqueuedAt: now,
        agentId: null,
        lastAgentId: '',
        queueAnnounced: true,
        routeVersion: 0,
        lifecycleVersion: eventVersion,
        decisionId: '',
        outbox: {},
        outboxCount: 0,
        updatedAt: now,
      });
    } catch (error: unknown) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return this.states.findOne({ _id });
  }

  /** Applies a transition if nobody moved the conversation since `routeVersion` was read. */
  async transition(current: RoutingStateDocument, change: Transition, now: Date): Promise<boolean> {
    const filter: Record<string, unknown> = { _id: current._id, routeVersion: current.routeVersion };
    const set: Record<string, unknown> = {
      state: change.to,
      agentId: change.agentId,
      updatedAt: now,
      [`outbox.${change.eventId}`]: change.event,
    };
    if (change.decisionId) set.decisionId = change.decisionId;
    if (change.fromAgentId) {
      // A requeue: the agent left; the original enqueue time stays.
      Object.assign(filter, { state: 'assigned', agentId: change.fromAgentId });
      Object.assign(set, { lastAgentId: change.fromAgentId, queueAnnounced: false, trigger: 'requeued' });
    } else {
      // The queue decision of the current wait.
      Object.assign(filter, { state: 'queued', queueAnnounced: false });
      set.queueAnnounced = true;
    }
    const update: Record<string, unknown> = { $set: set, $inc: { routeVersion: 1, outboxCount: 1 } };
    if (change.excludeAgentId) update.$addToSet = { excludedAgentIds: change.excludeAgentId };
    const result = await this.states.updateOne(filter, update);
    return result.modifiedCount === 1;
  }

  /**
   * Applies the next escalation step to a waiting conversation whose current
   * step was decided, and makes it undecided again so the dispatcher takes
   * (and announces) a decision at the new step.
   */
  async escalate(
    current: RoutingStateDocument,
    step: number,
    requirement: EffectiveRequirement,
    nextDueAt: Date | null,
    now: Date,
  ): Promise<boolean> {
    const result = await this.states.updateOne(
      { _id: current._id, routeVersion: current.routeVersion, state: 'queued', queueAnnounced: true },
      {
        $set: {
          escalationStep: step,
          requiredSkills: requirement.requiredSkills,
          teams: requirement.teams,
          escalationDueAt: nextDueAt,
          queueAnnounced: false,
          trigger: 'escalated',
          updatedAt: now,
        },
        $inc: { routeVersion: 1 },
      },
    );
    return result.modifiedCount === 1;
  }

  /** Waiting conversations whose next escalation step is due (and whose current step was decided). */
  escalationDue(now: Date, limit: number): Promise<RoutingStateDocument[]> {
    return this.states
      .find({ state: 'queued', queueAnnounced: true, escalationDueAt: { $lt: now } })
      .limit(limit)
      .toArray();
  }

  /**
   * Waiting conversations past their SLA due time whose breach was not recorded yet, once their queue
   * decision is out: undecided ones are the dispatcher's (see `recordSlaBreach`).
   */
  slaDue(now: Date, limit: number): Promise<RoutingStateDocument[]> {
    return this.states
      .find({ state: 'queued', queueAnnounced: true, slaDueAt: { $lt: now }, slaBreached: { $ne: true } })
      .limit(limit)
      .toArray();
  }

  /**
   * Records the breach with its event in the outbox, once per wait; false if it was recorded already.
   * Only on a decided wait: FerretDB v1 writes an update back whole from its own unisolated read, so a
   * breach written beside the dispatcher's queue decision could restore the undecided document after
   * its QUEUED event was out, and the conversation would then be skipped by the sweep's drain and
   * decided again as new, handing freed capacity to worse ones behind it.
   */
  async recordSlaBreach(current: RoutingStateDocument, eventId: string, event: PendingAssignmentEvent) {
    const result = await this.states.updateOne(
      { _id: current._id, state: 'queued', queueAnnounced: true, slaBreached: { $ne: true } },
      { $set: { slaBreached: true, [`outbox.${eventId}`]: event }, $inc: { outboxCount: 1 } },
    );
    return result.modifiedCount === 1;
  }

  /** Records the assignment a slot claim made, unless the conversation closed meanwhile. */
  async markAssigned(
    current: RoutingStateDocument,
    agentId: string,
    decisionId: string,
    now: Date,
    announcedEventId: string,
  ): Promise<void> {
    await this.states.updateOne(
      { _id: current._id, state: { $ne: 'closed' } },
      {
        $set: { state: 'assigned', agentId, decisionId, announcedEventId, updatedAt: now },
        $inc: { routeVersion: 1 },
      },
    );
  }

  /** Assigned states last changed before the cutoff, for reconciliation with the slots. */
  assignedBefore(cutoff: Date, limit: number): Promise<RoutingStateDocument[]> {
    return this.states
      .find({ state: 'assigned', updatedAt: { $lt: cutoff } })
      .limit(limit)
      .toArray();
  }

  /** Clears an outbox entry once Kafka acknowledged it; a second call is a no-op. */
  async published(id: string, eventId: string): Promise<void> {
    await this.states.updateOne(
      { _id: id, [`outbox.${eventId}`]: { $exists: true } },
      { $unset: { [`outbox.${eventId}`]: '' }, $inc: { outboxCount: -1 } },
    );
  }

  /** States with events still to publish (left behind by a crash or a Kafka outage), oldest first. */
  withPendingEvents(olderThan: Date, limit: number): Promise<RoutingStateDocument[]> {
    return this.states
      .find({ outboxCount: { $gt: 0 }, updatedAt: { $lt: olderThan } })
      .limit(limit)
      .toArray();
  }

  /** Waiting conversations of a group in queue order. */
  queued(tenantId: string, group: ChannelGroup | undefined, limit: number): Promise<RoutingStateDocument[]> {
    const filter: Record<string, unknown> = { tenantId, state: 'queued' };
    if (group) filter.group = group;
    return this.states.find(filter).sort({ priority: -1, slaDueAt: 1, enqueuedAt: 1, _id: 1 }).limit(limit).toArray();
  }

  /** Waiting conversations no decision has looked at yet (new, reopened, requeued), in queue order. */
  undecided(limit: number): Promise<RoutingStateDocument[]> {
    return this.states
      .find({ state: 'queued', queueAnnounced: false })
      .sort({ priority: -1, slaDueAt: 1, enqueuedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
  }

  assignedTo(tenantId: string, agentId: string): Promise<RoutingStateDocument[]> {
    return this.states.find({ tenantId, agentId, state: 'assigned' }).toArray();
  }

  /** Tenants with anyone waiting, for the queue sweep. */
  async tenantsWithQueue(): Promise<string[]> {
    const values = await this.states.distinct('tenantId', { state: 'queued' });
    return values.map(String);
  }
}
