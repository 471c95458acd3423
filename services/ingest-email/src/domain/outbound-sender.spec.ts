import type { ChannelsConfig } from '@omni/config';
import { Channel, DeliveryState, type DeliveryStatus, IdentityKind, OutboundMessage } from '@omni/contracts';
import { UnavailableError } from '@omni/errors';
import { type OutboundMail, UndeliverableError } from './outbound-mail';
import { type FinishedSend, OutboundSender, type SendClaim, type SendLog } from './outbound-sender';

const channels: ChannelsConfig = {
  tenants: [
    {
      id: 'acme',
      name: 'Acme',
      inboxes: [
        { id: 'support', channel: 'email', addresses: ['support@acme.test'], fromAddress: 'support@acme.test' },
      ],
    },
  ],
};

/** The send log as the repository keeps it, in memory. */
class MemorySendLog implements SendLog {
  readonly records = new Map<
    string,
    { state: 'sending' | 'sent' | 'failed'; header: string; reason: string; at: Date }
  >();
  async claim(claim: SendClaim): Promise<FinishedSend | undefined> {
    const earlier = this.records.get(claim.messageId);
    if (earlier && earlier.state !== 'sending') {
      return { state: earlier.state, messageIdHeader: earlier.header, reason: earlier.reason, at: earlier.at };
    }
    this.records.set(claim.messageId, { state: 'sending', header: claim.messageIdHeader, reason: '', at: claim.at });
    return undefined;
  }
  async markSent(id: string, at: Date): Promise<void> {
    this.records.set(id, { ...(this.records.get(id) as { header: string }), state: 'sent', reason: '', at });
  }
  async markFailed(id: string, at: Date, reason: string): Promise<void> {
    this.records.set(id, { ...(this.records.get(id) as { header: string }), state: 'failed', reason, at });
  }
}

function setup(relay: (mail: OutboundMail) => Promise<{ response: string }>) {
  const log = new MemorySendLog();
  const published: DeliveryStatus[] = [];
  const sent: OutboundMail[] = [];
  const sender = new OutboundSender({
    channels,
    log,
    relay: {
      send: async (mail) => {
        const result = await relay(mail);
        sent.push(mail);
        return result;
      },
    },
    publish: async (status) => void published.push(status),
    now: () => new Date('2026-11-22T12:00:00Z'),
  });
  return { sender, log, published, sent };
}

const message = OutboundMessage.fromPartial({
  id: 'msg_1',
  tenantId: 'acme',
  conversationId: 'conv_1',
  inboxId: 'support',
  channel: Channel.CHANNEL_EMAIL,
  recipient: { identity: { kind: IdentityKind.IDENTITY_KIND_EMAIL, value: 'jane@example.com' } },
  subject: 'Re: Order',
});

describe('OutboundSender', () => {
  it('sends once; a redelivery repeats the same SENT status without sending', async () => {
    const { sender, published, sent } = setup(async () => ({ response: '250 queued' }));
    await sender.deliver(message);
    await sender.deliver(message);
    expect(sent).toHaveLength(1);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    expect(published[0]).toMatchObject({
      state: DeliveryState.DELIVERY_STATE_SENT,
      channelMessageId: 'msg_1@acme.test',
    });
  });

  it('records a refusal as failed and never retries it', async () => {
    let calls = 0;
    const { sender, published, log } = setup(async () => {
      calls++;
      throw new UndeliverableError('relay refused: 550 no such user');
    });
    await sender.deliver(message);
    await sender.deliver(message);
    expect(calls).toBe(1);
    expect(log.records.get('msg_1')?.state).toBe('failed');
    expect(published.map((s) => [s.state, s.reason])).toEqual([
      [DeliveryState.DELIVERY_STATE_FAILED, 'relay refused: 550 no such user'],
      [DeliveryState.DELIVERY_STATE_FAILED, 'relay refused: 550 no such user'],
    ]);
  });

  it('lets a relay outage propagate with the claim open, so the redelivery sends', async () => {
    let down = true;
    const { sender, published, sent, log } = setup(async () => {
      if (down) throw new UnavailableError('relay down');
      return { response: '250 ok' };
    });
    await expect(sender.deliver(message)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(published).toHaveLength(0);
    expect(log.records.get('msg_1')?.state).toBe('sending');
    down = false;
    await sender.deliver(message);
    expect(sent).toHaveLength(1);
    expect(published[0]?.state).toBe(DeliveryState.DELIVERY_STATE_SENT);
  });

  it('fails an unknown inbox without claiming or sending', async () => {
    const { sender, published, log } = setup(async () => ({ response: '250' }));
    await sender.deliver({ ...message, inboxId: 'gone' });
    expect(log.records.size).toBe(0);
    expect(published[0]).toMatchObject({ state: DeliveryState.DELIVERY_STATE_FAILED, channelMessageId: '' });
  });
});
