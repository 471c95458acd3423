export {
  type BatchHandler,
  type BatchInfo,
  type ConsumedEvent,
  EventConsumer,
  type EventConsumerSettings,
} from './event-consumer';
export { EventProducer, type OutgoingEvent, PublishTimeoutError } from './event-producer';
export { KafkaClient, type KafkaSettings, type TopicSpec } from './kafka-client';
export { contextFromHeaders, headerString, traceHeaders } from './trace-headers';
export { isTransientError } from './transient-error';
