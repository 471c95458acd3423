import { deterministicId } from '@omni/contracts';
import { createTestLogger } from '@omni/testing';
import type { AssignmentPublisher } from '../src/adapters/kafka/assignment.publisher';
import { Collections, type PendingAssignmentEvent, type RoutingStateDocument } from '../src/adapters/mongo/documents';
import { RoutingStateRepository } from '../src/adapters/mongo/routing-state.repository';
import { WaitEscalator } from '../src/application/wait-escalator';
import { useScopedStore } from './scoped-store';

const WAITS = 40;

/**
 * The sweep's SLA breach step beside the dispatcher's queue decisions, on the real store. FerretDB v1
 * writes an update back whole from its own unisolated read (see the README), so a breach recorded on a
 * conversation while its queue decision was written could put it back to undecided after its QUEUED
 * event was out: the sweep's drain then skipped it and the dispatcher decided it again as new, so freed
 * capacity could go to a worse conversation (routing-decisions: "freed capacity pulls the best
 * conversation" timed out waiting for q-vip).
 */
describe('SLA breaches beside queue decisions (real store)', () => {
  const scopedStore = useScopedStore('routing-breach-race');

  it('records a breach only on a decided wait, so it never turns a queue decision back', async () => {
    const store = scopedStore();
    const states = new RoutingStateRepository(store);
    // Kafka is not what this is about: the publisher acknowledges at once.
    const publisher = { publish: async () => {} } as unknown as AssignmentPublisher;
    const escalator = new WaitEscalator({ states, publisher, logger: createTestLogger() });
    const now = new Date();
    const overdue = new Date(now.getTime() - 60_000);
    const waiting = await Promise.all(
      Array.from({ length: WAITS }, (_, i) =>
        states.open(
          {
            tenantId: 'race',
            conversationId: `c${i}`,
            group: 'messaging',
            requiredSkills: {},
            teams: [],
            baseRequiredSkills: {},
            optionalSkills: {},
            escalation: [],
            escalationDueAt: null,
            stickyUntil: null,
            offerTimeoutSeconds: 0,
            priority: 0,
            team: '',
            policyVersion: 0,
            slaDueAt: overdue,
            enqueuedAt: new Date(overdue.getTime() - 180_000),
            lastAgentId: '',
            eventVersion: 1,
            trigger: 'opened',
          },
          now,
        ),
      ),
    );
    const undecided = waiting.filter((state): state is RoutingStateDocument => state !== null);
    expect(undecided).toHaveLength(WAITS);
    // Undecided waits are the dispatcher's: the sweep reports their breach once their queue decision is out.
    expect(await states.slaDue(now, WAITS)).toEqual([]);

    // Each wait's queue decision (what Router.route writes when nobody can take it) beside a breach write
    // from a sweep that read it before the decision (another replica's, say): whichever lands last, the
    // decision stands.
    const event = (action: PendingAssignmentEvent['action'], reason: string): PendingAssignmentEvent => ({
      action,
      agentId: '',
      previousAgentId: '',
      decisionId: '',
      reason,
      escalationStep: 0,
      occurredAt: now,
    });
    const decided = await Promise.all(
      undecided.map(async (state) => {
        const eventId = deterministicId('asg', state.tenantId, state.conversationId, '1', 'queued');
        const [moved] = await Promise.all([
          states.transition(
            state,
            { to: 'queued', agentId: null, decisionId: `dec-${state._id}`, eventId, event: event('queued', 'nobody') },
            now,
          ),
          states.recordSlaBreach(state, `breach-${state._id}`, event('sla_breached', 'past due')),
        ]);
        return moved;
      }),
    );
    expect(decided.every(Boolean)).toBe(true);
    const after = await store.collection<RoutingStateDocument>(Collections.states).find({ tenantId: 'race' }).toArray();
    const turnedBack = after.filter((s) => !s.queueAnnounced || s.routeVersion !== 1).map((s) => s.conversationId);
    expect(turnedBack).toEqual([]);

    // Decided now: the sweep's step announces every breach not recorded yet, one per wait.
    await escalator.reportBreaches(new Date(), WAITS);
    expect(await states.slaDue(new Date(), WAITS)).toEqual([]);
    const breached = await store
      .collection<RoutingStateDocument>(Collections.states)
      .countDocuments({ tenantId: 'race', slaBreached: true });
    expect(breached).toBe(WAITS);
  });
});
