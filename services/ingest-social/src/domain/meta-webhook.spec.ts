import { ContentKind } from '@omni/contracts';
import { parseMetaWebhook } from './meta-webhook';

const now = new Date('2026-01-01T00:00:00Z');

describe('parseMetaWebhook', () => {
  it('reads Messenger messages with text, reply, quick reply and attachments, and counts echoes', () => {
    const result = parseMetaWebhook(
      {
        object: 'page',
        entry: [
          {
            id: '111',
            time: 1,
            messaging: [
              {
                sender: { id: 'psid-1' },
                recipient: { id: '111' },
                timestamp: 1767225600000,
                message: { mid: 'm_1', text: 'hi', reply_to: { mid: 'm_0' }, quick_reply: { payload: 'YES' } },
              },
              {
                sender: { id: 'psid-1' },
                recipient: { id: '111' },
                timestamp: 1767225601000,
                message: {
                  mid: 'm_2',
                  attachments: [{ type: 'image', payload: { url: 'https://scontent.fbcdn.net/a.jpg' } }],
                },
              },
              {
                sender: { id: '111' },
                recipient: { id: 'psid-1' },
                timestamp: 1,
                message: { mid: 'm_3', is_echo: true, text: 'ours' },
              },
            ],
          },
        ],
      },
      now,
    );
    expect(result.kind).toBe('messaging');
    if (result.kind !== 'messaging') return;
    expect(result.channel).toBe('messenger');
    const [entry] = result.entries;
    expect(entry?.accountId).toBe('111');
    expect(entry?.echoes).toBe(1);
    expect(entry?.drafts).toHaveLength(2);
    expect(entry?.drafts[0]).toMatchObject({
      channelMessageId: 'm_1',
      senderId: 'psid-1',
      text: 'hi',
      replyToChannelMessageId: 'm_0',
      contentKind: ContentKind.CONTENT_KIND_INTERACTIVE,
      metadata: { quick_reply_payload: 'YES' },
      sentAt: new Date(1767225600000),
    });
    expect(entry?.drafts[1]).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_MEDIA,
      channelContentType: 'image',
      media: [{ kind: 'url', url: 'https://scontent.fbcdn.net/a.jpg', type: 'image' }],
    });
  });

  it('reads delivery events as DELIVERED statuses of our mids', () => {
    const result = parseMetaWebhook(
      {
        object: 'page',
        entry: [
          {
            id: '111',
            messaging: [
              {
                sender: { id: 'psid' },
                recipient: { id: '111' },
                timestamp: 9,
                delivery: { mids: ['m_a', 'm_b'], watermark: 1767225600000 },
              },
            ],
          },
        ],
      },
      now,
    );
    if (result.kind !== 'messaging') throw new Error('expected messaging');
    expect(result.entries[0]?.drafts).toEqual([]);
    expect(result.entries[0]?.statuses.map((s) => [s.channelMessageId, s.status, s.occurredAt])).toEqual([
      ['m_a', 'delivered', new Date(1767225600000)],
      ['m_b', 'delivered', new Date(1767225600000)],
    ]);
  });

  it('keeps unknown events as placeholders with a stable id', () => {
    const body = {
      object: 'instagram',
      entry: [
        {
          id: '222',
          messaging: [
            {
              sender: { id: 'igsid' },
              recipient: { id: '222' },
              timestamp: 5,
              reaction: { mid: 'm_9', action: 'react' },
            },
          ],
        },
      ],
    };
    const first = parseMetaWebhook(body, now);
    const again = parseMetaWebhook(body, new Date());
    expect(first).toEqual(expect.objectContaining({ channel: 'instagram' }));
    if (first.kind !== 'messaging' || again.kind !== 'messaging') throw new Error('expected messaging');
    expect(first.entries[0]?.drafts[0]).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
      channelContentType: 'reaction',
      senderId: 'igsid',
    });
    expect(first.entries[0]?.drafts[0]?.channelMessageId).toBe(again.entries[0]?.drafts[0]?.channelMessageId);
  });

  it('marks unknown objects and survives garbage', () => {
    expect(parseMetaWebhook({ object: 'user' }, now)).toEqual({ kind: 'unknown-object', object: 'user' });
    expect(parseMetaWebhook([1, 2], now)).toEqual({ kind: 'unknown-object', object: '' });
    expect(parseMetaWebhook({ object: 'page', entry: [null, { messaging: [7, { message: 'x' }] }] }, now).kind).toBe(
      'messaging',
    );
  });
});
