import { Channel } from '@omni/contracts';
import { FailedPreconditionError, InvalidArgumentError } from '@omni/errors';
import { checkReplyWindow, MAX_REPLY_TEXT_CHARS, replyChannel, validateReply } from './reply';

describe('validateReply', () => {
  it('needs text or html', () => {
    expect(() => validateReply({ text: ' ', html: '', idempotencyKey: '' })).toThrow(InvalidArgumentError);
    expect(() => validateReply({ text: '', html: '<p>x</p>', idempotencyKey: '' })).not.toThrow();
  });

  it('refuses oversized text', () => {
    expect(() => validateReply({ text: 'x'.repeat(MAX_REPLY_TEXT_CHARS + 1), html: '', idempotencyKey: '' })).toThrow(
      'text',
    );
  });
});

describe('replyChannel', () => {
  it('defaults to the last inbound channel', () => {
    expect(replyChannel(Channel.CHANNEL_UNSPECIFIED, Channel.CHANNEL_EMAIL)).toBe(Channel.CHANNEL_EMAIL);
  });

  it('takes the channel the agent picked', () => {
    expect(replyChannel(Channel.CHANNEL_WHATSAPP, Channel.CHANNEL_EMAIL)).toBe(Channel.CHANNEL_WHATSAPP);
    expect(replyChannel(Channel.CHANNEL_UNSPECIFIED, Channel.CHANNEL_TELEGRAM)).toBe(Channel.CHANNEL_TELEGRAM);
  });

  it('refuses a conversation without an inbound channel to default to', () => {
    expect(() => replyChannel(Channel.CHANNEL_UNSPECIFIED, Channel.CHANNEL_UNSPECIFIED)).toThrow(
      FailedPreconditionError,
    );
    expect(() => replyChannel(Channel.CHANNEL_UNSPECIFIED, undefined)).toThrow(FailedPreconditionError);
  });
});

describe('checkReplyWindow', () => {
  const last = new Date('2026-11-20T10:00:00Z');
  const day = 24 * 3_600_000;

  it('refuses a messaging reply after the window and names when the customer last wrote', () => {
    const late = new Date(last.getTime() + day + 1);
    expect(() => checkReplyWindow(Channel.CHANNEL_WHATSAPP, last, late, day)).toThrow(
      'the 24-hour reply window on CHANNEL_WHATSAPP closed: the customer last wrote there at 2026-11-20T10:00:00.000Z',
    );
    expect(() => checkReplyWindow(Channel.CHANNEL_WHATSAPP, last, new Date(last.getTime() + day), day)).not.toThrow();
  });

  it('never limits email, nor anything when the check is off', () => {
    const late = new Date(last.getTime() + 10 * day);
    expect(() => checkReplyWindow(Channel.CHANNEL_EMAIL, last, late, day)).not.toThrow();
    expect(() => checkReplyWindow(Channel.CHANNEL_MESSENGER, last, late, 0)).not.toThrow();
  });
});
