import type { SocialInbox } from './inbox-directory';
/** Meta's standard messaging window: a business may answer freely for 24 hours after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export const OUTSIDE_WINDOW_REASON = 'outside the 24-hour customer service window';

/** Whether a free-form reply is allowed now, given the customer's last inbound message time (if any). */
export function withinServiceWindow(lastInboundAt: Date | undefined, now: Date): boolean {
  return lastInboundAt !== undefined && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS;
}

/**
 * What an inbox sends past the window, when its tenant configured it: a Meta
 * message tag or a WhatsApp template. Announced on each inbound message
 * (channel metadata `reply_outside_window`), so the conversation service knows
 * such a reply is allowed.
 */
export function outsideWindowFallback(inbox: SocialInbox): string | undefined {
  if (inbox.channel === 'messenger' || inbox.channel === 'instagram') {
    return inbox.outsideWindowTag && `message_tag:${inbox.outsideWindowTag}`;
  }
  if (inbox.channel === 'whatsapp')
    return inbox.outsideWindowTemplate && `template:${inbox.outsideWindowTemplate.name}`;
  return undefined;
}
