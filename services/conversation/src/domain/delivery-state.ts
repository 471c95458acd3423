import { DeliveryState } from '@omni/contracts';

/**
 * Precedence of delivery states: a status only applies when it ranks above the
 * stored one, so late or replayed statuses never move a message backwards.
 * read > failed > delivered > sent > queued: a failure (a DSN bounce) overrides
 * an earlier "sent" or "delivered" and is otherwise terminal, except that a
 * later "read" receipt proves the customer got the message after all.
 */
const RANK: Record<DeliveryState, number> = {
  [DeliveryState.DELIVERY_STATE_UNSPECIFIED]: 0,
  [DeliveryState.DELIVERY_STATE_QUEUED]: 1,
  [DeliveryState.DELIVERY_STATE_SENT]: 2,
  [DeliveryState.DELIVERY_STATE_DELIVERED]: 3,
  [DeliveryState.DELIVERY_STATE_FAILED]: 4,
  [DeliveryState.DELIVERY_STATE_READ]: 5,
  [DeliveryState.UNRECOGNIZED]: -1,
};

export function deliveryRank(state: DeliveryState): number {
  return RANK[state] ?? -1;
}

/** Whether a new status may replace the current one. */
export function deliveryStateAdvances(current: DeliveryState, next: DeliveryState): boolean {
  const nextRank = deliveryRank(next);
  return nextRank > 0 && nextRank > deliveryRank(current);
}
