export { deterministicId } from './deterministic-id';
export {
  AssignmentEventType,
  ConversationEventType,
  CustomerEventType,
  DeliveryStatusType,
  type EventType,
  InboundMessageType,
  OutboundMessageType,
} from './event-types';
export * from './gen/omni/v1/assignment';
export * from './gen/omni/v1/common';
export * from './gen/omni/v1/conversation_events';
export * from './gen/omni/v1/conversation_service';
export * from './gen/omni/v1/customer_events';
export * from './gen/omni/v1/customer_service';
export * from './gen/omni/v1/delivery';
export * from './gen/omni/v1/inbound';
export * from './gen/omni/v1/outbound';
export * from './gen/omni/v1/routing_service';
export { protoSources } from './proto-sources';
export { DeadLetterHeaders, deadLetterTopic, EventHeaders, type TopicName, TopicPartitions, Topics } from './topics';
