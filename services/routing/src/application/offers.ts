import { deterministicId } from '@omni/contracts';
import { FailedPreconditionError, NotFoundError } from '@omni/errors';
import type { AssignmentPublisher } from '../adapters/kafka/assignment.publisher';
import type { SlotDocument } from '../adapters/mongo/documents';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import type { SlotRepository } from '../adapters/mongo/slot.repository';
import type { Router } from './router';

export interface OffersDeps {
  router: Router;
  slots: SlotRepository;
  states: RoutingStateRepository;
  publisher: AssignmentPublisher;
  clock?: () => Date;
}

/**
 * Offer mode: the claimed slot holds the agent's capacity while the offer is
 * open. Accepting marks the slot and announces ASSIGNED; declining or letting
 * it expire frees the slot and requeues the conversation (keeping its age)
 * with that agent excluded for the rest of this wait.
 */
export class Offers {
  private readonly clock: () => Date;

  constructor(private readonly deps: OffersDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The open (or accepted) offer of this conversation to this agent; anything else answers NOT_FOUND. */
  async offerOf(tenantId: string, conversationId: string, agentId: string): Promise<SlotDocument> {
    const slot = await this.deps.slots.forConversation(tenantId, conversationId);
    if (!slot?.offerExpiresAt || slot.agentId !== agentId) {
      throw new NotFoundError(`no offer of conversation ${conversationId} to agent ${agentId}`);
    }
    return slot;
  }

  /** Idempotent: accepting twice announces the same ASSIGNED event id. */
  async accept(tenantId: string, conversationId: string, agentId: string): Promise<void> {
    const slot = await this.offerOf(tenantId, conversationId, agentId);
    const now = this.clock();
    if (!slot.acceptedAt && (slot.offerExpiresAt as Date) <= now) {
      throw new FailedPreconditionError(`the offer of conversation ${conversationId} expired`);
    }
    if (!(await this.deps.slots.accept(slot, now))) {
      throw new NotFoundError(`no offer of conversation ${conversationId} to agent ${agentId}`);
    }
    const eventId = deterministicId('asg', tenantId, conversationId, slot.eventId, 'accepted');
    await this.deps.publisher.publish(tenantId, conversationId, [
      {
        eventId,
        event: {
          action: 'assigned',
          agentId,
          previousAgentId: '',
          decisionId: slot.decisionId,
          reason: 'offer accepted',
          escalationStep: slot.escalationStep ?? 0,
          occurredAt: slot.acceptedAt ?? now,
        },
      },
    ]);
  }

  async decline(tenantId: string, conversationId: string, agentId: string): Promise<void> {
    const slot = await this.offerOf(tenantId, conversationId, agentId);
    if (slot.acceptedAt) throw new FailedPreconditionError(`the offer of conversation ${conversationId} was accepted`);
    await this.withdraw(slot, 'offer declined');
  }

  /** Offers nobody accepted in time move on (the sweep calls this on every replica). */
  async expire(limit: number): Promise<number> {
    let expired = 0;
    for (const slot of await this.deps.slots.expiredOffers(this.clock(), limit)) {
      if (await this.withdraw(slot, 'offer timed out')) expired++;
    }
    return expired;
  }

  private async withdraw(slot: SlotDocument, reason: string): Promise<boolean> {
    if (!(await this.deps.slots.withdrawOffer(slot))) return false;
    const state = await this.deps.states.get(slot.tenantId, slot.conversationId);
    if (!state || state.state === 'closed') return false;
    return this.deps.router.requeue(state, slot.agentId, reason, { exclude: true });
  }
}
