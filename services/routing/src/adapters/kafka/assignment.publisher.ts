import { AssignmentAction, AssignmentEventType, Topics } from '@omni/contracts';
import type { EventProducer } from '@omni/kafka';
import type { PendingAssignmentEvent } from '../mongo/documents';

const ACTIONS: Record<PendingAssignmentEvent['action'], AssignmentAction> = {
  assigned: AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED,
  queued: AssignmentAction.ASSIGNMENT_ACTION_QUEUED,
  unassigned: AssignmentAction.ASSIGNMENT_ACTION_UNASSIGNED,
  offered: AssignmentAction.ASSIGNMENT_ACTION_OFFERED,
  sla_breached: AssignmentAction.ASSIGNMENT_ACTION_SLA_BREACHED,
};

export interface OutboxEntry {
  eventId: string;
  event: PendingAssignmentEvent;
}

/** Publishes AssignmentEvents keyed by conversation, with the deterministic ids of their outbox entries. */
export class AssignmentPublisher {
  constructor(private readonly producer: EventProducer) {}

  async publish(tenantId: string, conversationId: string, entries: readonly OutboxEntry[]): Promise<void> {
    await this.producer.publish(
      AssignmentEventType,
      Topics.assignments,
      entries.map(({ eventId, event }) => ({
        key: conversationId,
        eventId,
        value: {
          id: eventId,
          tenantId,
          conversationId,
          action: ACTIONS[event.action],
          agentId: event.agentId,
          previousAgentId: event.previousAgentId,
          decisionId: event.decisionId,
          reason: event.reason,
          escalationStep: event.escalationStep,
          occurredAt: event.occurredAt,
        },
      })),
    );
  }
}
