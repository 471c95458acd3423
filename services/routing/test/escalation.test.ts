import { AssignmentAction, Channel, deterministicId } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import {
  addAgent,
  assignmentsOf,
  type Harness,
  opened,
  type PolicyInput,
  putPolicy,
  startHarness,
  timeline,
} from './routing-harness';

const { ASSIGNMENT_ACTION_QUEUED: QUEUED, ASSIGNMENT_ACTION_ASSIGNED: ASSIGNED } = AssignmentAction;
const WAIT = { timeoutMs: 45_000 };

/** Needs billing 5 and (optional) french 3 in team billing; relaxes after 2 s, 6 s and 10 s of waiting. */
const escalatingPolicy: PolicyInput = {
  rules: [
    {
      name: 'billing',
      match: { keywords: ['invoice'] },
      requiredSkills: { billing: 5 },
      optionalSkills: { french: 3 },
      priority: 1,
      team: 'billing',
    },
  ],
  escalation: [
    { afterSeconds: 2, dropOptionalSkills: true },
    { afterSeconds: 6, lowerLevelsBy: 2 },
    { afterSeconds: 10, widenToTeam: 'overflow' },
  ],
};

describe('escalation and SLA breaches (real Kafka and store)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('routing-escalation', { env: { SLA_MESSAGING_SECONDS: '3' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const explain = async (tenantId: string, conversationId: string) => {
    const { decision } = await h.call('explainAssignment', await h.adminKey(tenantId), { conversationId });
    return decision;
  };

  it('drops optional skills, then lowers levels, then widens to the overflow team, one step at a time', async () => {
    // One tenant per step, each with the only agent who qualifies from that step on.
    const cases: { tenant: string; agent: string; skills: Record<string, number>; teams: string[]; step: number }[] = [
      { tenant: 'esc-optional', agent: 'no-french', skills: { billing: 5 }, teams: ['billing'], step: 1 },
      { tenant: 'esc-levels', agent: 'junior', skills: { billing: 3, french: 5 }, teams: ['billing'], step: 2 },
      { tenant: 'esc-overflow', agent: 'overflow', skills: { billing: 3 }, teams: ['overflow'], step: 3 },
    ];
    for (const c of cases) {
      await putPolicy(h, c.tenant, escalatingPolicy);
      await addAgent(h, c.tenant, c.agent, { skills: c.skills, teams: c.teams });
    }
    // Email: its 24-hour SLA stays out of the way. The wait counts from the event's time.
    await h.publish(
      ...cases.map((c) =>
        opened(c.tenant, `${c.tenant}-1`, { channel: Channel.CHANNEL_EMAIL, text: 'invoice', occurredAt: new Date() }),
      ),
    );
    for (const c of cases) {
      const conversationId = `${c.tenant}-1`;
      await waitFor(
        `${conversationId} assigned`,
        () => timeline(h, conversationId).some(([a]) => a === ASSIGNED),
        WAIT,
      );
      const queuedSteps = Array.from({ length: c.step }, (_, step): [number, string, number] => [QUEUED, '', step]);
      expect(timeline(h, conversationId)).toEqual([...queuedSteps, [ASSIGNED, c.agent, c.step]]);
      expect(await explain(c.tenant, conversationId)).toMatchObject({
        trigger: 'escalated',
        outcome: 'assigned',
        agentId: c.agent,
        escalationStep: c.step,
        requiredSkills: c.step === 1 ? { billing: 5 } : { billing: 3 },
      });
    }
  }, 90_000);

  it('announces an SLA breach of a waiting conversation exactly once, and none for an assigned one', async () => {
    const since = new Date();
    await addAgent(h, 'sla-served', 'agent');
    await h.publish(
      opened('sla', 'sla-1', { occurredAt: since }),
      opened('sla-served', 'served-1', { occurredAt: since }),
    );
    const breaches = (conversationId: string) =>
      assignmentsOf(h, conversationId).filter((a) => a.action === AssignmentAction.ASSIGNMENT_ACTION_SLA_BREACHED);
    await waitFor('the breach of sla-1', () => breaches('sla-1').length > 0, WAIT);
    // A second conversation's breach needs several more sweeps, which must not repeat the first one.
    await h.publish(opened('sla', 'sla-2', { occurredAt: new Date() }));
    await waitFor('the breach of sla-2', () => breaches('sla-2').length > 0, WAIT);
    const [breach, ...repeats] = breaches('sla-1');
    expect(repeats).toEqual([]);
    expect(breach).toMatchObject({
      id: deterministicId('asg', 'sla', 'sla-1', 'sla-breached', '1', String(since.getTime() + 3_000)),
      tenantId: 'sla',
      agentId: '',
      occurredAt: new Date(since.getTime() + 3_000),
    });
    expect(breach?.reason).toMatch(/first-response due time/);
    expect(timeline(h, 'served-1')).toEqual([[ASSIGNED, 'agent', 0]]);
  }, 90_000);
});
