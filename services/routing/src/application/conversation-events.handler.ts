import { type ConversationEvent, ConversationStatus } from '@omni/contracts';
import type { Logger } from '@omni/logging';
import type { PolicyRepository } from '../adapters/mongo/policy.repository';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import { channelGroupOf } from '../domain/channel-group';
import { effectiveRequirement, nextEscalationAt } from '../domain/escalation';
import { requirementsFor } from '../domain/policy';
import { firstResponseDue, type SlaTargets } from '../domain/sla';
import type { Router } from './router';

/** A merged-away conversation never comes back: no later event may reopen it. */
const FINAL_VERSION = Number.MAX_SAFE_INTEGER;

export interface ConversationEventsHandlerDeps {
  router: Router;
  states: RoutingStateRepository;
  policies: PolicyRepository;
  slaTargets: SlaTargets;
  /** Wakes the dispatcher: a conversation waits for its first decision. */
  onQueued: () => void;
  logger: Logger;
  clock?: () => Date;
}

/** What routing does with each conversation event; every branch is safe to replay. */
export class ConversationEventsHandler {
  constructor(private readonly deps: ConversationEventsHandlerDeps) {}

  async handle(event: ConversationEvent): Promise<void> {
    const { tenantId, conversationId, version } = event;
    switch (event.kind?.$case) {
      case 'opened':
        return this.opened(event, event.kind.value);
      case 'statusChanged':
        if (event.kind.value.to === ConversationStatus.CONVERSATION_STATUS_RESOLVED) {
          return this.deps.router.close(tenantId, conversationId, version);
        }
        return;
      case 'merged':
        return this.deps.router.close(tenantId, event.kind.value.mergedConversationId, FINAL_VERSION);
      default:
        return;
    }
  }

  private async opened(
    event: ConversationEvent,
    opened: Extract<ConversationEvent['kind'], { $case: 'opened' }>['value'],
  ): Promise<void> {
    const group = channelGroupOf(opened.channel);
    if (!group) {
      this.deps.logger.warn(
        { conversationId: event.conversationId, channel: opened.channel },
        'not routable: unknown channel',
      );
      return;
    }
    const policy = await this.deps.policies.cached(event.tenantId);
    const requirements = requirementsFor(policy, opened);
    const now = this.deps.clock?.() ?? new Date();
    // The event's time, not the clock's, so a replay computes the same age and SLA.
    const since = event.occurredAt ?? now;
    const { requiredSkills, teams } = effectiveRequirement(requirements, policy.escalation, 0);
    const sticky = opened.lastAgentId && policy.stickyWaitSeconds > 0;
    const state = await this.deps.states.open(
      {
        tenantId: event.tenantId,
        conversationId: event.conversationId,
        group,
        requiredSkills,
        teams,
        baseRequiredSkills: requirements.requiredSkills,
        optionalSkills: requirements.optionalSkills,
        escalation: policy.escalation,
        escalationDueAt: nextEscalationAt(policy.escalation, since, 0),
        stickyUntil: sticky ? new Date(since.getTime() + policy.stickyWaitSeconds * 1000) : null,
        offerTimeoutSeconds: policy.offerTimeoutSeconds,
        priority: requirements.priority,
        team: requirements.team,
        policyVersion: requirements.policyVersion,
        slaDueAt: firstResponseDue(group, since, this.deps.slaTargets),
        enqueuedAt: since,
        lastAgentId: opened.lastAgentId,
        eventVersion: event.version,
        trigger: opened.reopened ? 'reopened' : 'opened',
      },
      now,
    );
    // Decided by the dispatcher, so a burst never holds the batch (and the group heartbeat) for long.
    if (state) this.deps.onQueued();
  }
}
