import { type CustomerEvent, CustomerEventType, Topics } from '@omni/contracts';
import type { EventProducer } from '@omni/kafka';

/** Publishes customer events keyed by the surviving customer, so one customer's merges and splits stay in order. */
export class CustomerEventsPublisher {
  constructor(private readonly producer: EventProducer) {}

  publish(events: readonly CustomerEvent[]): Promise<void> {
    return this.producer.publish(
      CustomerEventType,
      Topics.customerEvents,
      events.map((event) => ({ key: event.customerId, value: event, eventId: event.id })),
    );
  }
}
