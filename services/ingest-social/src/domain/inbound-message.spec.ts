import { Channel, ContentKind, deterministicId, IdentityKind } from '@omni/contracts';
import { toInboundMessage } from './inbound-message';
import { placeholder } from './social-message';

const receivedAt = new Date('2026-01-01T00:00:05Z');
const sentAt = new Date('2026-01-01T00:00:00Z');

describe('toInboundMessage', () => {
  it('derives the id, key and E.164 identity of a WhatsApp message', () => {
    const draft = placeholder(
      { channel: 'whatsapp', channelMessageId: 'wamid.1', senderId: '4915112345678', sentAt },
      'text',
      {
        contentKind: ContentKind.CONTENT_KIND_TEXT,
        text: 'hi',
        displayName: 'Ana',
        replyToChannelMessageId: 'wamid.0',
      },
    );
    const ready = toInboundMessage(
      draft,
      { tenantId: 'acme', inboxId: 'wa', receivedAt },
      [],
      [{ code: 'x', detail: 'y' }],
    );
    expect(ready.key).toBe('acme:whatsapp:+4915112345678');
    expect(ready.windowKey).toEqual({ tenantId: 'acme', channel: 'whatsapp', sender: '+4915112345678', at: sentAt });
    expect(ready.message).toMatchObject({
      id: deterministicId('msg', 'acme', 'whatsapp', 'wamid.1'),
      channel: Channel.CHANNEL_WHATSAPP,
      inboxId: 'wa',
      sender: { identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: '+4915112345678' }, displayName: 'Ana' },
      threading: { replyToChannelMessageId: 'wamid.0' },
      sentAt,
      receivedAt,
      channelContentType: 'text',
      parseProblems: [{ code: 'x', detail: 'y' }],
    });
  });

  it('gives the same id to the same message whenever it arrives', () => {
    const draft = placeholder({ channel: 'telegram', channelMessageId: '7:1', senderId: '7', sentAt }, 'poll');
    const a = toInboundMessage(draft, { tenantId: 't', inboxId: 'tg', receivedAt }, [], []);
    const b = toInboundMessage(draft, { tenantId: 't', inboxId: 'tg', receivedAt: new Date() }, [], []);
    expect(a.message.id).toBe(b.message.id);
    expect(a.message.contentKind).toBe(ContentKind.CONTENT_KIND_UNSUPPORTED);
  });
});
