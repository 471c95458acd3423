/** Meta's standard messaging window: a business may answer freely for 24 hours after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export const OUTSIDE_WINDOW_REASON = 'outside the 24-hour customer service window';

/** Whether a free-form reply is allowed now, given the customer's last inbound message time (if any). */
export function withinServiceWindow(lastInboundAt: Date | undefined, now: Date): boolean {
  return lastInboundAt !== undefined && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS;
}
