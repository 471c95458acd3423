import { Channel } from '@omni/contracts';
import { FailedPreconditionError, type FieldViolation, InvalidArgumentError } from '@omni/errors';

export const MAX_REPLY_TEXT_CHARS = 100_000;
export const MAX_REPLY_HTML_CHARS = 500_000;
export const MAX_IDEMPOTENCY_KEY_CHARS = 200;

export interface ReplyInput {
  text: string;
  html: string;
  idempotencyKey: string;
}

/** Refuses a reply without content or larger than a mail we are willing to send. */
export function validateReply(input: ReplyInput): void {
  const details: FieldViolation[] = [];
  if (!input.text.trim() && !input.html.trim()) details.push({ field: 'text', reason: 'text or html is required' });
  if (input.text.length > MAX_REPLY_TEXT_CHARS) {
    details.push({ field: 'text', reason: `longer than ${MAX_REPLY_TEXT_CHARS} characters` });
  }
  if (input.html.length > MAX_REPLY_HTML_CHARS) {
    details.push({ field: 'html', reason: `longer than ${MAX_REPLY_HTML_CHARS} characters` });
  }
  if (input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_CHARS) {
    details.push({ field: 'idempotency_key', reason: `longer than ${MAX_IDEMPOTENCY_KEY_CHARS} characters` });
  }
  const first = details[0];
  if (first) throw new InvalidArgumentError(`invalid reply: ${first.field} ${first.reason}`, { details });
}

/** The channel a reply goes out on: the requested one, else the customer's last inbound channel. */
export function replyChannel(requested: Channel, lastInbound: Channel | undefined): Channel {
  const channel = requested !== Channel.CHANNEL_UNSPECIFIED ? requested : lastInbound;
  if (channel === undefined || channel === Channel.CHANNEL_UNSPECIFIED) {
    throw new FailedPreconditionError('the conversation has no inbound message to reply to', {
      details: [{ field: 'channel', reason: 'no inbound channel to default to' }],
    });
  }
  return channel;
}

/** Channels whose platforms accept free-form replies only within a window after the customer's last message. */
const WINDOWED_CHANNELS = new Set([Channel.CHANNEL_MESSENGER, Channel.CHANNEL_INSTAGRAM, Channel.CHANNEL_WHATSAPP]);

/** Refuses a reply the platform would refuse anyway, before anything is stored as sent. */
export function checkReplyWindow(channel: Channel, lastInboundAt: Date, now: Date, windowMs: number): void {
  if (windowMs <= 0 || !WINDOWED_CHANNELS.has(channel)) return;
  if (now.getTime() - lastInboundAt.getTime() <= windowMs) return;
  const hours = Math.round(windowMs / 3_600_000);
  throw new FailedPreconditionError(
    `the ${hours}-hour reply window on ${Channel[channel]} closed: the customer last wrote there at ${lastInboundAt.toISOString()}`,
    { details: [{ field: 'channel', reason: 'customer service window closed' }] },
  );
}
