import { ContentKind, DeliveryState } from '@omni/contracts';
import { parseWhatsAppWebhook } from './whatsapp-webhook';

const now = new Date('2026-01-01T00:00:00Z');

function body(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '555' }, ...value },
          },
        ],
      },
    ],
  };
}

describe('parseWhatsAppWebhook', () => {
  it('reads text and media messages with the contact name and reply context', () => {
    const result = parseWhatsAppWebhook(
      body({
        contacts: [{ profile: { name: 'Ana' }, wa_id: '4915112345678' }],
        messages: [
          {
            from: '4915112345678',
            id: 'wamid.1',
            timestamp: '1767225600',
            type: 'text',
            text: { body: 'hola' },
            context: { id: 'wamid.0' },
          },
          {
            from: '4915112345678',
            id: 'wamid.2',
            timestamp: '1767225601',
            type: 'image',
            image: { id: 'media-1', mime_type: 'image/jpeg', caption: 'look' },
          },
          { from: '4915112345678', id: 'wamid.3', timestamp: '1767225602', type: 'order', order: {} },
        ],
      }),
      now,
    );
    if (result.kind !== 'changes') throw new Error('expected changes');
    const [change] = result.changes;
    expect(change?.phoneNumberId).toBe('555');
    expect(change?.drafts[0]).toMatchObject({
      channelMessageId: 'wamid.1',
      senderId: '4915112345678',
      displayName: 'Ana',
      text: 'hola',
      replyToChannelMessageId: 'wamid.0',
      contentKind: ContentKind.CONTENT_KIND_TEXT,
      sentAt: new Date(1767225600 * 1000),
    });
    expect(change?.drafts[1]).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_MEDIA,
      text: 'look',
      media: [{ kind: 'whatsapp-media', mediaId: 'media-1', type: 'image', mimeType: 'image/jpeg' }],
    });
    expect(change?.drafts[2]).toMatchObject({
      contentKind: ContentKind.CONTENT_KIND_UNSUPPORTED,
      channelContentType: 'order',
    });
  });

  it('reads statuses with their failure reason', () => {
    const result = parseWhatsAppWebhook(
      body({
        statuses: [
          { id: 'wamid.9', status: 'read', timestamp: '1767225700', recipient_id: '49151' },
          {
            id: 'wamid.8',
            status: 'failed',
            timestamp: '1767225701',
            errors: [{ code: 131047, title: 'Re-engagement message' }],
          },
        ],
      }),
      now,
    );
    if (result.kind !== 'changes') throw new Error('expected changes');
    expect(result.changes[0]?.statuses).toEqual([
      {
        channelMessageId: 'wamid.9',
        state: DeliveryState.DELIVERY_STATE_READ,
        status: 'read',
        occurredAt: new Date(1767225700000),
        reason: '',
      },
      {
        channelMessageId: 'wamid.8',
        state: DeliveryState.DELIVERY_STATE_FAILED,
        status: 'failed',
        occurredAt: new Date(1767225701000),
        reason: 'Re-engagement message',
      },
    ]);
  });

  it('marks other objects as unknown', () => {
    expect(parseWhatsAppWebhook({ object: 'page' }, now)).toEqual({ kind: 'unknown-object', object: 'page' });
  });
});
