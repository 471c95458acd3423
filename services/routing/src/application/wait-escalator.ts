import { deterministicId } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import type { AssignmentPublisher } from '../adapters/kafka/assignment.publisher';
import type { PendingAssignmentEvent } from '../adapters/mongo/documents';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import { effectiveRequirement, nextEscalationAt } from '../domain/escalation';

export interface WaitEscalatorDeps {
  states: RoutingStateRepository;
  publisher: AssignmentPublisher;
  logger: Logger;
}

/**
 * What waiting too long does, run by the sweep: the policy's escalation
 * steps, one at a time (each step is decided and announced before the next
 * may apply), and one SLA_BREACHED event per wait.
 */
export class WaitEscalator {
  constructor(private readonly deps: WaitEscalatorDeps) {}

  /** Applies due steps; returns how many conversations moved to their next step (the dispatcher decides them). */
  async escalate(now: Date, limit: number): Promise<number> {
    let escalated = 0;
    for (const state of await this.deps.states.escalationDue(now, limit)) {
      const steps = state.escalation ?? [];
      const step = (state.escalationStep ?? 0) + 1;
      if (step > steps.length) continue;
      const base = {
        requiredSkills: state.baseRequiredSkills ?? state.requiredSkills,
        optionalSkills: state.optionalSkills ?? {},
        team: state.team,
      };
      const requirement = effectiveRequirement(base, steps, step);
      const nextDueAt = nextEscalationAt(steps, state.enqueuedAt, step);
      if (await this.deps.states.escalate(state, step, requirement, nextDueAt, now)) {
        escalated++;
        this.deps.logger.info(
          { tenantId: state.tenantId, conversationId: state.conversationId, step, requirement },
          'escalation step applied',
        );
      }
    }
    return escalated;
  }

  /**
   * Announces each waiting conversation past its SLA due time once, with an id fixed by the wait it
   * belongs to, after its queue decision (a conversation waiting for its first one is the dispatcher's).
   */
  async reportBreaches(now: Date, limit: number): Promise<number> {
    let reported = 0;
    for (const state of await this.deps.states.slaDue(now, limit)) {
      const eventId = deterministicId(
        'asg',
        state.tenantId,
        state.conversationId,
        'sla-breached',
        String(state.lifecycleVersion),
        String(state.slaDueAt.getTime()),
      );
      const event: PendingAssignmentEvent = {
        action: 'sla_breached',
        agentId: '',
        previousAgentId: state.lastAgentId,
        decisionId: state.decisionId,
        reason: `waiting past the first-response due time ${state.slaDueAt.toISOString()}`,
        escalationStep: state.escalationStep ?? 0,
        occurredAt: state.slaDueAt,
      };
      if (!(await this.deps.states.recordSlaBreach(state, eventId, event))) continue;
      await this.deps.publisher.publish(state.tenantId, state.conversationId, [{ eventId, event }]);
      await this.deps.states.published(state._id, eventId);
      reported++;
    }
    return reported;
  }
}
