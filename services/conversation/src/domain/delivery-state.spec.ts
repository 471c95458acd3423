import { DeliveryState } from '@omni/contracts';
import { deliveryStateAdvances } from './delivery-state';

const { DELIVERY_STATE_QUEUED: QUEUED, DELIVERY_STATE_SENT: SENT, DELIVERY_STATE_DELIVERED: DELIVERED } = DeliveryState;
const {
  DELIVERY_STATE_READ: READ,
  DELIVERY_STATE_FAILED: FAILED,
  DELIVERY_STATE_UNSPECIFIED: UNSPECIFIED,
} = DeliveryState;

describe('deliveryStateAdvances', () => {
  it.each([
    [QUEUED, SENT, true],
    [SENT, DELIVERED, true],
    [DELIVERED, READ, true],
    [SENT, FAILED, true],
    [DELIVERED, FAILED, true],
    [FAILED, READ, true],
    [READ, DELIVERED, false],
    [DELIVERED, SENT, false],
    [FAILED, SENT, false],
    [FAILED, DELIVERED, false],
    [SENT, SENT, false],
    [QUEUED, UNSPECIFIED, false],
  ])('%s -> %s: %s', (current, next, expected) => {
    expect(deliveryStateAdvances(current, next)).toBe(expected);
  });
});
