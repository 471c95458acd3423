import { deterministicId } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import type { AssignmentPublisher } from '../adapters/kafka/assignment.publisher';
import { type AgentRepository, toSnapshot } from '../adapters/mongo/agent.repository';
import type { DecisionRepository } from '../adapters/mongo/decision.repository';
import type {
  DecisionDocument,
  PendingAssignmentEvent,
  RoutingStateDocument,
  SlotDocument,
} from '../adapters/mongo/documents';
import type { ReleaseRepository } from '../adapters/mongo/release.repository';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import type { SlotRepository } from '../adapters/mongo/slot.repository';
import { isAvailable } from '../domain/agent';
import { evaluateCandidates } from '../domain/candidates';
import type { ChannelGroup } from '../domain/channel-group';
import { bestTakeable } from '../domain/queue-order';
import { TenantView } from './tenant-view';

export interface RouterDeps {
  agents: AgentRepository;
  slots: SlotRepository;
  states: RoutingStateRepository;
  decisions: DecisionRepository;
  releases: ReleaseRepository;
  publisher: AssignmentPublisher;
  logger: Logger;
  heartbeatTtlMs: number;
  /** How much of the queue a freed agent reads at once (default 200); see `pullFor`. */
  queueWindow?: number;
  clock?: () => Date;
}

/** How deep a read of the queue goes when its head holds nothing an agent with room can take. */
const QUEUE_SCAN = 20_000;

/** The reads of a queue an agent with room makes, in turn: its head, then as deep as QUEUE_SCAN. */
export function queueReads(window = 200): readonly number[] {
  return [window, QUEUE_SCAN];
}

/** Candidates stored with a decision; the rest are counted. */
const MAX_STORED_CANDIDATES = 50;

export type RouteOutcome = 'assigned' | 'queued' | 'unchanged';

/**
 * Hands waiting conversations to agents. The capacity claim is an insert into
 * `agent_slots` whose unique keys bound the agent's load by its capacity and
 * a conversation to one agent; the conversation's routing state follows it,
 * and the sweep reconciles the two after a crash.
 */
export class Router {
  private readonly clock: () => Date;

  constructor(private readonly deps: RouterDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The tenant's agents and held slots, read once for the decisions of one dispatcher pass. */
  view(tenantId: string): Promise<TenantView> {
    return TenantView.load(tenantId, this.deps.agents, this.deps.slots);
  }

  /**
   * Tries to assign a queued conversation; `onlyAgentId` restricts it to one
   * agent pulling work. With a shared `view` (the dispatcher's first
   * decisions) the conversation's slot is looked up only when no claim is
   * made: a claim for a conversation already held fails on its unique key.
   */
  async route(
    state: RoutingStateDocument,
    trigger: string,
    onlyAgentId?: string,
    shared?: TenantView,
  ): Promise<RouteOutcome> {
    const { slots, states, decisions } = this.deps;
    if (state.state === 'closed') return 'unchanged';
    if (!shared && (await this.alreadyHeld(state))) return 'unchanged';
    const now = this.clock();
    const view = shared ?? (await this.view(state.tenantId));
    const snapshots = view.snapshots;
    const evaluation = evaluateCandidates(
      snapshots,
      {
        group: state.group,
        requiredSkills: state.requiredSkills,
        teams: state.teams,
        excludedAgentIds: state.excludedAgentIds,
      },
      {
        now,
        heartbeatTtlMs: this.deps.heartbeatTtlMs,
        stickyAgentId: state.lastAgentId || undefined,
        stickyHoldUntil: state.stickyUntil ?? undefined,
      },
    );
    const offerMs = (state.offerTimeoutSeconds ?? 0) * 1000;
    const order = onlyAgentId ? evaluation.order.filter((id) => id === onlyAgentId) : evaluation.order;
    const lost = new Set<string>();
    const nextVersion = String(state.routeVersion + 1);
    for (const agentId of order) {
      const capacity = snapshots.find((a) => a.agentId === agentId)?.capacity[state.group] ?? 0;
      const outcome = offerMs > 0 ? 'offered' : 'assigned';
      const decision = this.decision(state, trigger, outcome, agentId, evaluation, lost, now);
      const eventId = deterministicId('asg', state.tenantId, state.conversationId, nextVersion, agentId);
      const claim = await slots.claim({
        tenantId: state.tenantId,
        agentId,
        group: state.group,
        capacity,
        conversationId: state.conversationId,
        eventId,
        decisionId: decision._id,
        escalationStep: state.escalationStep ?? 0,
        offerExpiresAt: offerMs > 0 ? new Date(now.getTime() + offerMs) : undefined,
        now,
        used: view.usedIndexes(agentId, state.group),
      });
      view.refreshLoad(agentId, state.group);
      if (claim.outcome === 'full') {
        lost.add(agentId);
        continue;
      }
      if (claim.outcome === 'taken') {
        if (claim.slot) await this.confirm(state, claim.slot);
        return 'unchanged';
      }
      // A resolution that landed meanwhile wins: give the slot back. Closures are recorded before anything else
      // a close does, so their insert-only record is the one read needed.
      if (await states.isClosed(state)) {
        await slots.release(claim.slot);
        return 'unchanged';
      }
      decision.loadAfterClaim = claim.loadAfter;
      decision.capacityAtClaim = capacity;
      if (onlyAgentId) decision.tieBreak = 'capacity freed: the best waiting conversation this agent can take';
      decision.candidates = decision.candidates.map((c) => ({ ...c, claimLost: lost.has(c.agentId) }));
      view.claimed(agentId, now);
      await decisions.save(decision);
      // Announced before the state records it: a crash in between leaves a slot whose state does not name
      // its event, which the sweep announces again (same id) and records.
      await this.announce(state, claim.slot, `${trigger}: ${decision.tieBreak}`);
      await states.markAssigned(state, agentId, decision._id, now, claim.slot.eventId);
      return 'assigned';
    }
    if (onlyAgentId || state.queueAnnounced) return 'unchanged';
    if (shared && (await this.alreadyHeld(state))) return 'unchanged';
    const decision = this.decision(state, trigger, 'queued', '', evaluation, lost, now);
    await decisions.save(decision);
    const event = this.event(decision, 'queued', '', '', `${trigger}: ${decision.tieBreak}`, now);
    const eventId = deterministicId('asg', state.tenantId, state.conversationId, nextVersion, 'queued');
    if (
      await states.transition(state, { to: 'queued', agentId: null, decisionId: decision._id, eventId, event }, now)
    ) {
      await this.publish(state, [{ eventId, event }]);
      return 'queued';
    }
    return 'unchanged';
  }

  private async alreadyHeld(state: RoutingStateDocument): Promise<boolean> {
    const held = await this.deps.slots.forConversation(state.tenantId, state.conversationId);
    if (held) await this.confirm(state, held);
    return held !== null;
  }

  /** The slot is the truth: make sure its assignment was announced and that the state says so. */
  async confirm(state: RoutingStateDocument, slot: SlotDocument): Promise<void> {
    const recorded = state.state === 'assigned' && state.agentId === slot.agentId;
    if (recorded && state.announcedEventId === slot.eventId) return;
    await this.announce(state, slot, 'assignment confirmed');
    await this.deps.states.markAssigned(state, slot.agentId, slot.decisionId, this.clock(), slot.eventId);
  }

  /** Publishes the ASSIGNED (or OFFERED) event of a slot, its id fixed at claim time. */
  async announce(state: Pick<RoutingStateDocument, 'tenantId' | 'conversationId'>, slot: SlotDocument, reason: string) {
    const event: PendingAssignmentEvent = {
      action: slot.offerExpiresAt ? 'offered' : 'assigned',
      agentId: slot.agentId,
      previousAgentId: '',
      decisionId: slot.decisionId,
      reason,
      escalationStep: slot.escalationStep ?? 0,
      occurredAt: slot.claimedAt,
    };
    await this.deps.publisher.publish(state.tenantId, state.conversationId, [{ eventId: slot.eventId, event }]);
  }

  /**
   * Capacity freed: the agent pulls the best waiting conversations it can take, while it has room.
   * It reads the head of the queue (`queueWindow`); when it still has room after that and the queue
   * is longer, it reads on as deep as QUEUE_SCAN, so a head it cannot take (another skill, say)
   * never hides work further back.
   */
  async pullFor(tenantId: string, agentId: string, groups: readonly ChannelGroup[]): Promise<number> {
    const agent = await this.deps.agents.get(tenantId, agentId);
    if (!agent || !isAvailable(agent, this.clock(), this.deps.heartbeatTtlMs)) return 0;
    // One read of the agents, slots and queue for all the pulls; the claims keep the view's slots current.
    const view = await this.view(tenantId);
    const taker = toSnapshot(agent);
    const hasRoom = (group: ChannelGroup) => view.usedIndexes(agentId, group).size < agent.capacity[group];
    let pulled = 0;
    for (const group of groups) {
      for (const depth of queueReads(this.deps.queueWindow)) {
        if (!hasRoom(group)) break;
        const queue = await this.deps.states.queued(tenantId, group, depth);
        const waiting = [...queue];
        for (let attempt = 0; attempt < 20 && waiting.length > 0 && hasRoom(group); attempt++) {
          const best = bestTakeable(waiting, taker, this.clock());
          if (!best) break;
          waiting.splice(waiting.indexOf(best), 1);
          if ((await this.route(best, 'capacity_freed', agentId, view)) === 'assigned') pulled++;
        }
        if (queue.length < depth) break;
      }
    }
    return pulled;
  }

  /** Resolution or merge: gives the capacity back exactly once, then lets the agent pull waiting work. */
  async close(tenantId: string, conversationId: string, eventVersion: number): Promise<void> {
    const state = await this.deps.states.close(tenantId, conversationId, eventVersion, this.clock());
    if (!state || !(await this.deps.states.isClosed(state))) return;
    const slot = await this.deps.slots.forConversation(tenantId, conversationId);
    if (slot) await this.freed(slot);
  }

  /** The conversation of this slot is over: the capacity comes back (once), counts for the wait estimate, and pulls work. */
  async freed(slot: SlotDocument): Promise<void> {
    if (!(await this.deps.slots.release(slot))) return;
    await this.deps.releases.record(slot, this.clock());
    // Kept on the agent only now: while the slot was held, the view read its claim time from the slot.
    await this.deps.agents.noteAssigned(slot.tenantId, slot.agentId, slot.claimedAt);
    await this.pullFor(slot.tenantId, slot.agentId, [slot.group]);
  }

  /** The agent left: its conversations go back to the queue with their original age and are routed again. */
  async requeueAgent(tenantId: string, agentId: string, reason: string): Promise<string[]> {
    const released: SlotDocument[] = [];
    for (const slot of await this.deps.slots.byAgent(tenantId, agentId)) {
      if (await this.deps.slots.release(slot)) released.push(slot);
    }
    if (released.length === 0) return [];
    // Read once, after the releases, for routing all of them again.
    const view = await this.view(tenantId);
    const requeued: string[] = [];
    for (const slot of released) {
      const state = await this.deps.states.get(tenantId, slot.conversationId);
      if (!state || state.state === 'closed') continue;
      if (await this.requeue(state, agentId, reason, { view })) requeued.push(slot.conversationId);
    }
    return requeued;
  }

  /** Puts an assigned conversation whose slot is gone back in the queue, keeping its enqueue time, and routes it. */
  async requeue(
    state: RoutingStateDocument,
    previousAgentId: string,
    reason: string,
    options: { exclude?: boolean; view?: TenantView } = {},
  ): Promise<boolean> {
    const now = this.clock();
    const eventId = deterministicId(
      'asg',
      state.tenantId,
      state.conversationId,
      String(state.routeVersion + 1),
      'requeue',
    );
    const event: PendingAssignmentEvent = {
      action: 'unassigned',
      agentId: '',
      previousAgentId,
      decisionId: state.decisionId,
      reason,
      escalationStep: state.escalationStep ?? 0,
      occurredAt: now,
    };
    const excludeAgentId = options.exclude ? previousAgentId : undefined;
    const moved = await this.deps.states.transition(
      state,
      { to: 'queued', agentId: null, fromAgentId: previousAgentId, eventId, event, excludeAgentId },
      now,
    );
    if (!moved) return false;
    await this.publish(state, [{ eventId, event }]);
    const fresh = await this.deps.states.get(state.tenantId, state.conversationId);
    if (fresh) await this.route(fresh, 'requeued', undefined, options.view);
    return true;
  }

  /** Publishes the events a state still holds (after a crash or a Kafka outage), then clears them. */
  async flush(state: RoutingStateDocument): Promise<void> {
    const entries = Object.entries(state.outbox ?? {}).map(([eventId, event]) => ({ eventId, event }));
    if (entries.length > 0) await this.publish(state, entries);
  }

  private async publish(state: RoutingStateDocument, entries: { eventId: string; event: PendingAssignmentEvent }[]) {
    await this.deps.publisher.publish(state.tenantId, state.conversationId, entries);
    for (const { eventId } of entries) await this.deps.states.published(state._id, eventId);
  }

  private decision(
    state: RoutingStateDocument,
    trigger: string,
    outcome: DecisionDocument['outcome'],
    agentId: string,
    evaluation: ReturnType<typeof evaluateCandidates>,
    lost: ReadonlySet<string>,
    now: Date,
  ): DecisionDocument {
    const version = String(state.routeVersion + 1);
    return {
      _id: deterministicId('dec', state.tenantId, state.conversationId, version, outcome, agentId),
      tenantId: state.tenantId,
      conversationId: state.conversationId,
      trigger,
      outcome,
      agentId,
      group: state.group,
      requiredSkills: state.requiredSkills,
      priority: state.priority,
      // Eligible ones first (ranked), then the excluded: a tenant with hundreds of agents keeps the decision small.
      candidates: evaluation.candidates
        .slice(0, MAX_STORED_CANDIDATES)
        .map((c) => ({ ...c, claimLost: lost.has(c.agentId) })),
      omittedCandidates: Math.max(0, evaluation.candidates.length - MAX_STORED_CANDIDATES),
      tieBreak: lost.size > 0 ? `${evaluation.tieBreak}; claim lost on ${[...lost].join(', ')}` : evaluation.tieBreak,
      policyVersion: state.policyVersion,
      escalationStep: state.escalationStep ?? 0,
      decidedAt: now,
      loadAfterClaim: 0,
      capacityAtClaim: 0,
    };
  }

  private event(
    decision: DecisionDocument,
    action: PendingAssignmentEvent['action'],
    agentId: string,
    previousAgentId: string,
    reason: string,
    now: Date,
  ): PendingAssignmentEvent {
    const { escalationStep } = decision;
    return { action, agentId, previousAgentId, decisionId: decision._id, reason, escalationStep, occurredAt: now };
  }
}
