/** Kafka topics of the system, before the deployment's prefix is applied. */
export const Topics = {
  inbound: 'omni.inbound.v1',
  conversationEvents: 'omni.conversation-events.v1',
  assignments: 'omni.assignments.v1',
  outbound: 'omni.outbound.v1',
  delivery: 'omni.delivery.v1',
  customerEvents: 'omni.customer-events.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Poison messages of a topic go to its dead-letter topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Kafka headers every event carries. Trace context rides in the W3C `traceparent`/`tracestate` headers. */
export const EventHeaders = {
  type: 'omni-type',
  tenant: 'omni-tenant',
  eventId: 'omni-event-id',
} as const;

/** Headers a dead-lettered message carries besides its original ones. */
export const DeadLetterHeaders = {
  error: 'omni-dlq-error',
  originTopic: 'omni-dlq-origin-topic',
  originPartition: 'omni-dlq-origin-partition',
  originOffset: 'omni-dlq-origin-offset',
  attempts: 'omni-dlq-attempts',
  failedAt: 'omni-dlq-failed-at',
} as const;

/**
 * Partition counts: a consumer group scales out to at most this many replicas.
 * Inbound and conversation events carry the most traffic.
 */
export const TopicPartitions: Record<TopicName, number> = {
  [Topics.inbound]: 12,
  [Topics.conversationEvents]: 12,
  [Topics.assignments]: 6,
  [Topics.outbound]: 6,
  [Topics.delivery]: 6,
  [Topics.customerEvents]: 6,
};
