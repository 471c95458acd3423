export { isTransientError } from '@omni/errors';
export {
  type BatchHandler,
  type BatchInfo,
  type ConsumedEvent,
  EventConsumer,
  type EventConsumerSettings,
} from './event-consumer';
export { EventProducer, type OutgoingEvent, PublishTimeoutError } from './event-producer';
export { whileTopicsSettle } from './fresh-topic';
export { KafkaClient, type KafkaSettings, type TopicSpec } from './kafka-client';
export { inKeyOrder } from './key-order';
export { checkPendingRequestsOnlyWhileWaiting } from './request-queue-timers';
export { contextFromHeaders, headerString, traceHeaders } from './trace-headers';
