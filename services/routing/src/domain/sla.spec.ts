import { Channel } from '@omni/contracts';
import { channelGroupOf } from './channel-group';
import { DEFAULT_SLA_TARGETS, firstResponseDue } from './sla';

describe('first-response SLA', () => {
  const since = new Date('2026-01-01T12:00:00Z');

  it('defaults to 3 minutes for messaging and 24 hours for email', () => {
    expect(firstResponseDue('messaging', since)).toEqual(new Date('2026-01-01T12:03:00Z'));
    expect(firstResponseDue('email', since)).toEqual(new Date('2026-01-02T12:00:00Z'));
  });

  it('takes configured targets', () => {
    expect(firstResponseDue('messaging', since, { ...DEFAULT_SLA_TARGETS, messaging: 60 })).toEqual(
      new Date('2026-01-01T12:01:00Z'),
    );
  });

  it('maps channels to their capacity group', () => {
    expect(channelGroupOf(Channel.CHANNEL_EMAIL)).toBe('email');
    for (const channel of [
      Channel.CHANNEL_MESSENGER,
      Channel.CHANNEL_INSTAGRAM,
      Channel.CHANNEL_WHATSAPP,
      Channel.CHANNEL_TELEGRAM,
    ]) {
      expect(channelGroupOf(channel)).toBe('messaging');
    }
    expect(channelGroupOf(Channel.CHANNEL_UNSPECIFIED)).toBeUndefined();
  });
});
