import type { Logger } from '@omni/logging';
import { type AgentRepository, toSnapshot } from '../adapters/mongo/agent.repository';
import type { SlotDocument } from '../adapters/mongo/documents';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import type { SlotRepository } from '../adapters/mongo/slot.repository';
import { CHANNEL_GROUPS, type ChannelGroup } from '../domain/channel-group';
import { bestTakeable } from '../domain/queue-order';
import type { Offers } from './offers';
import { queueReads, type Router } from './router';
import type { WaitEscalator } from './wait-escalator';

export interface SweeperDeps {
  router: Router;
  offers: Offers;
  escalator: WaitEscalator;
  agents: AgentRepository;
  slots: SlotRepository;
  states: RoutingStateRepository;
  logger: Logger;
  heartbeatTtlMs: number;
  intervalMs: number;
  /** How much of a queue the sweep reads at once (default 200); see `drain`. */
  queueWindow?: number;
  /** Wakes the dispatcher, for conversations whose first decision a crash interrupted. */
  onSweep: () => void;
  clock?: () => Date;
}

const BATCH = 100;
/** Younger entries may still be in the hands of the decision that wrote them. */
const GRACE_MS = 5_000;
const SLOT_SCAN = 10_000;
/** How far back closures are checked against their state documents. */
const RECONCILE_WINDOW_MS = 10 * 60_000;

/**
 * The periodic safety net every replica runs (all of its steps are
 * conditional updates, so replicas may overlap): heartbeat expiry, requeue of
 * offline agents' work, expired offers, escalation steps and SLA breaches,
 * unpublished events, and waiting conversations that missed a wake-up.
 */
export class RoutingSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly deps: SweeperDeps) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'routing sweep failed; next tick retries'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.deps.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async sweep(): Promise<void> {
    const { agents, slots, states, router } = this.deps;
    const now = this.deps.clock?.() ?? new Date();
    const cutoff = new Date(now.getTime() - this.deps.heartbeatTtlMs);
    const grace = new Date(now.getTime() - GRACE_MS);

    for (const agent of await agents.expired(cutoff, BATCH)) {
      if (this.stopped) return;
      if (await agents.expire(agent, cutoff, now)) {
        this.deps.logger.info({ tenantId: agent.tenantId, agentId: agent.agentId }, 'heartbeat expired; agent offline');
      }
    }
    const held = await slots.all(SLOT_SCAN);
    const holders = [...new Set(held.map((slot) => `${slot.tenantId}:${slot.agentId}`))];
    for (const agent of await agents.offline(holders)) {
      if (this.stopped) return;
      await router.requeueAgent(agent.tenantId, agent.agentId, 'agent offline');
    }
    await this.reconcile(held, grace);
    await this.deps.offers.expire(BATCH);
    await this.deps.escalator.escalate(now, BATCH);
    await this.deps.escalator.reportBreaches(now, BATCH);
    for (const state of await states.withPendingEvents(grace, BATCH)) {
      if (this.stopped) return;
      await router.flush(state);
    }
    this.deps.onSweep();
    for (const tenantId of await states.tenantsWithQueue()) {
      for (const group of CHANNEL_GROUPS) {
        if (this.stopped) return;
        await this.drain(tenantId, group, cutoff, now);
      }
    }
  }

  /**
   * Repairs what a crash between the slot and the state left behind: a slot
   * of a closed conversation is freed, an assignment without a slot waits
   * again. Only entries older than the grace period, so decisions in flight
   * are left alone.
   */
  private async reconcile(held: readonly SlotDocument[], grace: Date): Promise<void> {
    const { slots, states, router } = this.deps;
    const bySlot = new Map(held.map((slot) => [slot.conversationKey, slot]));
    for (const closure of await states.closedSince(new Date(grace.getTime() - RECONCILE_WINDOW_MS), SLOT_SCAN)) {
      if (this.stopped) return;
      const state = await states.get(closure.tenantId, closure.conversationId);
      if (state && state.state !== 'closed' && closure.version >= state.lifecycleVersion) {
        await states.markClosed(state._id, closure.version, new Date());
      }
    }
    const settled = held.filter((slot) => slot.claimedAt < grace);
    const { states: current, closures } = await states.manyWithClosures(settled.map((slot) => slot.conversationKey));
    for (const slot of settled) {
      if (this.stopped) return;
      const state = current.get(slot.conversationKey);
      const closure = closures.get(slot.conversationKey);
      if (!state || state.state === 'closed' || (closure && closure.version >= state.lifecycleVersion)) {
        await router.freed(slot);
      } else {
        // Announces (again, same id) and records an assignment a crash or lost rewrite left unrecorded.
        await router.confirm(state, slot);
      }
    }
    for (const state of await states.assignedBefore(grace, SLOT_SCAN)) {
      if (this.stopped || bySlot.has(state._id)) continue;
      if (await slots.forConversation(state.tenantId, state.conversationId)) continue;
      await router.requeue(state, state.agentId ?? '', 'assignment lost');
    }
  }

  /**
   * Offers waiting conversations to the available agents with room, best first: one read of the
   * head of the queue (`queueWindow`), and when an agent still has room after it (nothing there it
   * can take, say for want of a skill) one read of the queue as deep as QUEUE_SCAN, so a long queue's head never
   * keeps an idle agent from what it could take further back.
   */
  private async drain(tenantId: string, group: ChannelGroup, cutoff: Date, now: Date): Promise<void> {
    const loads = await this.deps.slots.loads(tenantId);
    const free = (await this.deps.agents.available(tenantId, cutoff))
      .map((agent) => ({ agent, room: agent.capacity[group] - (loads.get(agent.agentId)?.[group] ?? 0) }))
      .filter(({ room }) => room > 0);
    for (const depth of queueReads(this.deps.queueWindow)) {
      if (this.stopped || !free.some(({ room }) => room > 0)) return;
      const queue = await this.deps.states.queued(tenantId, group, depth);
      // Undecided ones (new, requeued, escalated) are the dispatcher's, which this sweep just woke.
      const waiting = queue.filter((s) => s.queueAnnounced);
      for (const taker of free) {
        for (; taker.room > 0 && waiting.length > 0 && !this.stopped; taker.room--) {
          const best = bestTakeable(waiting, toSnapshot(taker.agent), now);
          if (!best) break;
          waiting.splice(waiting.indexOf(best), 1);
          await this.deps.router.route(best, 'sweep', taker.agent.agentId);
        }
      }
      if (queue.length < depth) return;
    }
  }
}
