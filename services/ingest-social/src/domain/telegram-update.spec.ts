import { ContentKind } from '@omni/contracts';
import { parseTelegramUpdate } from './telegram-update';

const now = new Date('2026-01-01T00:00:00Z');
const chat = { id: 777, type: 'private' };
const from = { id: 777, is_bot: false, first_name: 'Ivan', last_name: 'Petrov', username: 'ivp' };

describe('parseTelegramUpdate', () => {
  it('reads a text message replying to another', () => {
    const draft = parseTelegramUpdate(
      {
        update_id: 10,
        message: {
          message_id: 5,
          from,
          chat,
          date: 1767225600,
          text: 'привет',
          reply_to_message: { message_id: 4, chat },
        },
      },
      '123',
      now,
    );
    expect(draft).toMatchObject({
      channel: 'telegram',
      channelMessageId: '777:5',
      senderId: '777',
      displayName: 'Ivan Petrov',
      text: 'привет',
      replyToChannelMessageId: '777:4',
      contentKind: ContentKind.CONTENT_KIND_TEXT,
      metadata: { chat_id: '777' },
      sentAt: new Date(1767225600 * 1000),
    });
  });

  it('takes the largest photo size and the caption', () => {
    const draft = parseTelegramUpdate(
      {
        update_id: 11,
        message: {
          message_id: 6,
          from,
          chat,
          date: 1,
          caption: 'pic',
          photo: [{ file_id: 'small' }, { file_id: 'big' }],
        },
      },
      '123',
      now,
    );
    expect(draft).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_MEDIA,
      text: 'pic',
      media: [{ kind: 'telegram-file', fileId: 'big' }],
    });
  });

  it('keeps unknown message and update types as placeholders', () => {
    const poll = parseTelegramUpdate(
      { update_id: 12, message: { message_id: 7, from, chat, date: 1, poll: { id: 'p' } } },
      '123',
      now,
    );
    expect(poll).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
      channelContentType: 'poll',
      channelMessageId: '777:7',
    });
    const edit = parseTelegramUpdate(
      { update_id: 13, edited_message: { message_id: 7, from, chat, date: 1, text: 'x' } },
      '123',
      now,
    );
    expect(edit).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
      channelContentType: 'edited_message',
      channelMessageId: 'update:123:13',
      senderId: '777',
    });
  });
});
