import type { ChannelsConfig } from '@omni/config';
import { Channel, IdentityKind, OutboundMessage, Participant, Threading } from '@omni/contracts';
import { buildOutboundMail, findEmailInbox, UndeliverableError } from './outbound-mail';

const channels: ChannelsConfig = {
  tenants: [
    {
      id: 'acme',
      name: 'Acme',
      inboxes: [
        {
          id: 'support',
          channel: 'email',
          addresses: ['support@acme.test'],
          fromAddress: 'support@acme.test',
          fromName: 'Acme\r\nBcc: x@y',
        },
      ],
    },
    { id: 'other', name: 'Other', inboxes: [] },
  ],
};

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return OutboundMessage.fromPartial({
    id: 'msg_1',
    tenantId: 'acme',
    conversationId: 'conv_1',
    inboxId: 'support',
    channel: Channel.CHANNEL_EMAIL,
    recipient: { identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'Jane@Example.COM' }, displayName: 'Jane' },
    subject: 'Re: Order',
    text: 'Hello',
    conversationToken: 'tok123',
    createdAt: new Date('2026-11-02T10:00:00Z'),
    ...overrides,
  });
}

const now = () => new Date('2026-11-02T10:00:05Z');

describe('buildOutboundMail', () => {
  it('finds only the tenant’s own email inbox', () => {
    expect(findEmailInbox(channels, 'acme', 'support').fromAddress).toBe('support@acme.test');
    expect(() => findEmailInbox(channels, 'other', 'support')).toThrow(UndeliverableError);
    expect(() => findEmailInbox(channels, 'acme', 'nope')).toThrow(/unknown email inbox "nope"/);
  });

  it('builds From, To, Reply-To and threading headers, sanitized', () => {
    const mail = buildOutboundMail(
      message({
        subject: 'Hi\r\nBcc: evil@x',
        threading: Threading.fromPartial({ inReplyTo: 'cust-2@example.com', references: ['cust-1@example.com'] }),
      }),
      findEmailInbox(channels, 'acme', 'support'),
      now,
    );
    expect(mail.subject).toBe('Hi Bcc: evil@x');
    expect(mail.from).toEqual({ name: 'Acme Bcc: x@y', address: 'support@acme.test' });
    expect(mail.to).toEqual({ name: 'Jane', address: 'jane@example.com' });
    expect(mail.messageId).toBe('msg_1@acme.test');
    expect(mail.replyTo).toBe('support+c_tok123@acme.test');
    expect(mail.inReplyTo).toBe('cust-2@example.com');
    expect(mail.references).toEqual(['cust-1@example.com', 'cust-2@example.com']);
    expect(mail.threadTopic).toBe('Hi Bcc: evil@x');
    expect(mail.automatic).toBe(false);
  });

  it("keeps the conversation service's Message-ID", () => {
    const mail = buildOutboundMail(
      message({ threading: Threading.fromPartial({ messageIdHeader: '<msg_1.conv_1@mail.omni.invalid>' }) }),
      findEmailInbox(channels, 'acme', 'support'),
      now,
    );
    expect(mail.messageId).toBe('msg_1.conv_1@mail.omni.invalid');
  });

  it('refuses a recipient without an email address', () => {
    const inbox = findEmailInbox(channels, 'acme', 'support');
    const phone = message({
      recipient: Participant.fromPartial({ identity: { kind: IdentityKind.IDENTITY_KIND_PHONE, value: '+15550100' } }),
    });
    expect(() => buildOutboundMail(phone, inbox, now)).toThrow(UndeliverableError);
    const bad = message({
      recipient: Participant.fromPartial({
        identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'a@b\r\nBcc: c@d' },
      }),
    });
    expect(() => buildOutboundMail(bad, inbox, now)).toThrow(UndeliverableError);
  });
});
