import type { ActivityRepository } from '../adapters/mongo/activity.repository';
import type { ActivityDocument, MessageDocument } from '../adapters/mongo/documents';
import type { MessageRepository } from '../adapters/mongo/message.repository';
import { listTimeline } from './timeline';

const t = (s: number) => new Date(1_700_000_000_000 + s * 1000);

/** In-memory repositories with the same ordering contract as the Mongo ones. */
function repositories(messages: MessageDocument[], activities: ActivityDocument[]) {
  const after = <T>(items: T[], key: (item: T) => [number, number, string], cursor?: [number, number, string]) =>
    items
      .filter((item) => {
        if (!cursor) return true;
        const k = key(item);
        return (
          k[0] > cursor[0] || (k[0] === cursor[0] && (k[1] > cursor[1] || (k[1] === cursor[1] && k[2] > cursor[2])))
        );
      })
      .sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
      });
  const messageKey = (m: MessageDocument): [number, number, string] => [
    m.sentAt.getTime(),
    m.receivedAt.getTime(),
    m._id,
  ];
  const activityKey = (a: ActivityDocument): [number, number, string] => [
    a.at.getTime(),
    a.recordedAt.getTime(),
    a._id,
  ];
  return {
    messages: {
      list: async (
        _t: string,
        _c: string,
        c: { sentAt: Date; receivedAt: Date; id: string } | undefined,
        limit: number,
      ) => after(messages, messageKey, c && [c.sentAt.getTime(), c.receivedAt.getTime(), c.id]).slice(0, limit),
    } as unknown as MessageRepository,
    activities: {
      list: async (_t: string, _c: string, c: { at: Date; recordedAt: Date; id: string } | undefined, limit: number) =>
        after(activities, activityKey, c && [c.at.getTime(), c.recordedAt.getTime(), c.id]).slice(0, limit),
    } as unknown as ActivityRepository,
  };
}

const message = (id: string, sent: number, received: number) =>
  ({ _id: id, sentAt: t(sent), receivedAt: t(received) }) as MessageDocument;
const note = (id: string, at: number) => ({ _id: id, at: t(at), recordedAt: t(at), kind: 'note' }) as ActivityDocument;

describe('listTimeline', () => {
  it('orders by the channel timestamp, breaks ties by arrival, and pages without gaps or repeats', async () => {
    // m2 was sent before m1 but arrived later (a slow channel): sent order wins; m3/m4 tie on sentAt.
    const { messages, activities } = repositories(
      [message('m1', 10, 11), message('m2', 5, 30), message('m3', 20, 22), message('m4', 20, 21)],
      [note('n1', 7), note('n2', 25)],
    );
    const ids: string[] = [];
    let token = '';
    do {
      const page = await listTimeline(messages, activities, 't', 'c', 2, token);
      ids.push(...page.items.map((item) => (item.kind === 'message' ? item.message._id : item.activity._id)));
      token = page.nextPageToken;
    } while (token);
    expect(ids).toEqual(['m2', 'n1', 'm1', 'm4', 'm3', 'n2']);
  });
});
