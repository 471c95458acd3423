import { AssignmentAction } from '@omni/contracts';
import { waitFor } from '@omni/testing';
import { addAgent, type Harness, keywordRule, opened, putPolicy, startHarness } from './routing-harness';

const WAIT = { timeoutMs: 30_000 };

// A queue read two at a time, so a head of work nobody online can take is easy to build.
describe('a long queue whose head the free agent cannot take (real Kafka and store)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('routing-queue-depth', { env: { ROUTING_QUEUE_WINDOW: '2' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const last = (conversationId: string) => h.assignments.filter((a) => a.conversationId === conversationId).at(-1);

  it('an agent coming online takes the work it can do from behind the head of the queue', async () => {
    const tenant = 'depth';
    await putPolicy(h, tenant, {
      rules: [keywordRule('billing', 'invoice', { billing: 5 }, 5), keywordRule('tech', 'crash', { tech: 3 }, 1)],
    });
    // Nobody is online: everything waits, the billing work (higher priority) at the head.
    const billing = ['depth-b1', 'depth-b2', 'depth-b3', 'depth-b4'];
    await h.publish(...billing.map((id) => opened(tenant, id, { text: 'my invoice is wrong' })));
    await h.publish(opened(tenant, 'depth-t1', { text: 'the app crashes' }));
    for (const id of [...billing, 'depth-t1']) {
      await waitFor(`${id} queued`, () => last(id)?.action === AssignmentAction.ASSIGNMENT_ACTION_QUEUED, WAIT);
    }

    // A technician with no billing skill comes online: the four at the head are not theirs.
    await addAgent(h, tenant, 'techie', { skills: { tech: 5 } });
    await waitFor(
      'depth-t1 assigned',
      () => last('depth-t1')?.action === AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED,
      WAIT,
    );
    expect(last('depth-t1')?.agentId).toBe('techie');
    for (const id of billing) expect(last(id)?.action).toBe(AssignmentAction.ASSIGNMENT_ACTION_QUEUED);
  });
});
