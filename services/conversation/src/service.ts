import { ApiKeyAuthenticator } from '@omni/auth';
import {
  ConversationServiceService,
  CustomerServiceService,
  protoSources,
  TopicPartitions,
  Topics,
} from '@omni/contracts';
import { authInterceptor, createGrpcServer } from '@omni/grpc';
import { ServiceRuntime } from '@omni/runtime';
import { conversationServer } from './adapters/grpc/conversation.server';
import { customerServer } from './adapters/grpc/customer.server';
import { ConversationEventsPublisher } from './adapters/kafka/conversation-events.publisher';
import { consumeDelivery } from './adapters/kafka/delivery.consumer';
import { consumeInbound } from './adapters/kafka/inbound.consumer';
import { OutboxRelay } from './adapters/kafka/outbox.relay';
import { ConversationRepository } from './adapters/mongo/conversation.repository';
import { CustomerRepository } from './adapters/mongo/customer.repository';
import { conversationIndexes } from './adapters/mongo/indexes';
import { MessageRepository } from './adapters/mongo/message.repository';
import { ConversationQueries } from './application/conversation-queries';
import { InboundMessageHandler } from './application/inbound-message.handler';
import { ReplyService } from './application/reply.service';
import { conversationEnv } from './config';
import { customerComponents } from './customer-wiring';

const TOPICS = [
  Topics.inbound,
  Topics.conversationEvents,
  Topics.assignments,
  Topics.outbound,
  Topics.delivery,
  Topics.customerEvents,
];

export interface ConversationService {
  runtime: ServiceRuntime<typeof conversationEnv>;
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Wires the conversation service: store, consumers, outbox relay and the gRPC API. */
export async function startConversation(env: NodeJS.ProcessEnv): Promise<ConversationService> {
  const runtime = ServiceRuntime.create(
    {
      service: 'conversation',
      env: conversationEnv,
      topics: TOPICS.map((topic) => ({ topic, numPartitions: TopicPartitions[topic] })),
      indexes: conversationIndexes,
    },
    env,
  );
  const { config, logger, store, kafka, shutdown } = runtime;
  await runtime.start();

  const customers = new CustomerRepository(store);
  const conversations = new ConversationRepository(store);
  const messages = new MessageRepository(store);
  const producer = await kafka.producer();
  const events = new ConversationEventsPublisher(producer);
  const identity = customerComponents({ store, producer, customers, conversations, conversationEvents: events });

  const relay = new OutboxRelay({ messages, conversations, producer, events, logger, pollMs: config.OUTBOX_POLL_MS });
  relay.start();
  shutdown.add('outbox relay', () => relay.stop());

  const inbound = new InboundMessageHandler({
    customers,
    conversations,
    messages,
    events,
    subjectWindowMs: config.THREAD_SUBJECT_WINDOW_HOURS * 3_600_000,
    senders: identity.senders,
    follower: identity.follower,
  });
  const consumers = [await consumeInbound(kafka, inbound), await consumeDelivery(kafka, messages, logger)];
  // In parallel: each waits for its fetch in flight (up to kafkajs' maxWaitTime) before leaving the group.
  shutdown.add('consumers', async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });

  const authenticator = new ApiKeyAuthenticator(store, { cacheTtlMs: config.API_KEY_CACHE_TTL_MS });
  const grpc = createGrpcServer({
    logger,
    protoFiles: protoSources(['omni/v1/conversation_service.proto', 'omni/v1/customer_service.proto']),
    interceptors: [authInterceptor(authenticator.grpcAuthenticate)],
  });
  const replies = new ReplyService({
    conversations,
    messages,
    messageIdDomain: config.MESSAGE_ID_DOMAIN,
    onStored: relay.wake,
  });
  grpc.addService(
    ConversationServiceService,
    conversationServer(new ConversationQueries(customers, conversations, messages), replies),
  );
  grpc.addService(CustomerServiceService, customerServer(identity.customerService, identity.mergeService));
  const grpcPort = await grpc.start({ host: config.GRPC_HOST, port: config.GRPC_PORT });
  shutdown.add('grpc', () => grpc.shutdown(config.SHUTDOWN_GRACE_MS / 2));
  runtime.serving();

  return { runtime, grpcPort, httpPort: runtime.httpPort, stop: () => shutdown.run('stop') };
}
