import { AssignmentEvent } from './gen/omni/v1/assignment';
import { ConversationEvent } from './gen/omni/v1/conversation_events';
import { CustomerEvent } from './gen/omni/v1/customer_events';
import { DeliveryStatus } from './gen/omni/v1/delivery';
import { InboundMessage } from './gen/omni/v1/inbound';
import { OutboundMessage } from './gen/omni/v1/outbound';

/**
 * A protobuf message type that travels on Kafka. `typeName` is the fully
 * qualified protobuf name and goes into the `omni-type` header, so a consumer
 * can refuse a payload of the wrong type before decoding it.
 */
export interface EventType<T> {
  readonly typeName: string;
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /** The tenant a message belongs to, for the `omni-tenant` header. */
  tenantOf(message: T): string;
}

interface GeneratedCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

function eventType<T extends { tenantId: string }>(typeName: string, codec: GeneratedCodec<T>): EventType<T> {
  return {
    typeName,
    encode: (message) => codec.encode(message).finish(),
    decode: (bytes) => codec.decode(bytes),
    tenantOf: (message) => message.tenantId,
  };
}

export const InboundMessageType = eventType('omni.v1.InboundMessage', InboundMessage);
export const OutboundMessageType = eventType('omni.v1.OutboundMessage', OutboundMessage);
export const DeliveryStatusType = eventType('omni.v1.DeliveryStatus', DeliveryStatus);
export const ConversationEventType = eventType('omni.v1.ConversationEvent', ConversationEvent);
export const AssignmentEventType = eventType('omni.v1.AssignmentEvent', AssignmentEvent);
export const CustomerEventType = eventType('omni.v1.CustomerEvent', CustomerEvent);
