import { Channel } from '@omni/contracts';
import { FailedPreconditionError, InvalidArgumentError } from '@omni/errors';
import { MAX_REPLY_TEXT_CHARS, replyChannel, validateReply } from './reply';

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
