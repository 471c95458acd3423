import { ApiKeyAuthenticator } from '@omni/auth';
import { CustomerServiceService, protoSources, TopicPartitions, Topics } from '@omni/contracts';
import { authInterceptor, createGrpcServer } from '@omni/grpc';
import { ServiceRuntime } from '@omni/runtime';
import { conversationServer } from './adapters/grpc/conversation.server';
import { customerServer } from './adapters/grpc/customer.server';
import { cachedPageMemory, conversationServiceDefinition } from './adapters/grpc/timeline-encoding';
import { watchEventsRpc } from './adapters/grpc/watch-events';
import { mountEventsSse } from './adapters/http/events.sse';
import { mountRest } from './adapters/http/service.rest';
import { consumeAssignments } from './adapters/kafka/assignments.consumer';
import { ConversationEventsPublisher } from './adapters/kafka/conversation-events.publisher';
import { consumeDelivery } from './adapters/kafka/delivery.consumer';
import { consumeInbound } from './adapters/kafka/inbound.consumer';
import { OutboxRelay } from './adapters/kafka/outbox.relay';
import { consumeTimelineEvents } from './adapters/kafka/timeline.consumer';
import { consumeForWatch } from './adapters/kafka/watch.consumer';
import { TimelineCacheMetrics } from './adapters/metrics/timeline-cache.metrics';
import { WatchMetrics } from './adapters/metrics/watch.metrics';
import { ActivityRepository } from './adapters/mongo/activity.repository';
import { ConversationRepository } from './adapters/mongo/conversation.repository';
import { ConversationChangesRepository } from './adapters/mongo/conversation-changes.repository';
import { CustomerRepository } from './adapters/mongo/customer.repository';
import { HeldDeliveryRepository } from './adapters/mongo/held-delivery.repository';
import { conversationIndexes } from './adapters/mongo/indexes';
import { MessageRepository } from './adapters/mongo/message.repository';
import { WatchTargetsRepository } from './adapters/mongo/watch-targets.repository';
import { conversationApi, type TimelinePage } from './application/conversation-api';
import { ConversationCommands } from './application/conversation-commands';
import { ConversationQueries } from './application/conversation-queries';
import { CountAudit } from './application/count-audit';
import { customerApi } from './application/customer-api';
import { DeliveryStatusHandler } from './application/delivery-status.handler';
import { InboundMessageHandler } from './application/inbound-message.handler';
import { PeriodicSweep } from './application/periodic-sweep';
import { ReplyService } from './application/reply.service';
import { wakeDueSnoozes } from './application/snooze-sweeper';
import { TimelinePageCache } from './application/timeline-cache';
import { WatchEventsService } from './application/watch-events.service';
import { WatchHub } from './application/watch-hub';
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
/** Held statuses expire after hours: looking for them every ten minutes is plenty. */
const HELD_STATUS_SWEEP_MS = 10 * 60_000;

export interface ConversationService {
  runtime: ServiceRuntime<typeof conversationEnv>;
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Conversations waiting for their counters' check at once on a replica. */
const COUNT_AUDIT_MAX_PENDING = 100_000;
/** A conversation counted without a pause of COUNT_AUDIT_DELAY_MS is checked this long after its first count. */
const COUNT_AUDIT_MAX_WAIT_MS = 30_000;

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
  const changes = new ConversationChangesRepository(store);
  const activities = new ActivityRepository(store);
  const producer = await kafka.producer();
  const events = new ConversationEventsPublisher(producer);
  const identity = customerComponents({ store, producer, customers, conversations, conversationEvents: events });

  const relay = new OutboxRelay({
    messages,
    conversations,
    changes,
    producer,
    events,
    logger,
    pollMs: config.OUTBOX_POLL_MS,
  });
  relay.start();
  shutdown.add('outbox relay', () => relay.stop());
  const commands = new ConversationCommands({ conversations, changes, activities, onChanged: relay.wake });
  const held = new HeldDeliveryRepository(store);
  const sweeps = [
    new PeriodicSweep('snoozes', config.SNOOZE_SWEEP_MS, () => wakeDueSnoozes(changes, commands), logger),
    // No TTL index on FerretDB v1: statuses for messages that never got their SENT are dropped here.
    new PeriodicSweep(
      'held delivery statuses',
      HELD_STATUS_SWEEP_MS,
      () => held.expire(new Date(Date.now() - config.HELD_STATUS_TTL_HOURS * 3_600_000)),
      logger,
    ),
  ];
  for (const sweep of sweeps) {
    sweep.start();
    shutdown.add('sweep', () => sweep.stop());
  }

  // MongoDB applies each update atomically: only FerretDB v1 can lose one (an unreachable server counts as FerretDB).
  const lossyUpdates = await store.isFerretDb().catch(() => true);
  const audit = new CountAudit(
    identity.counts,
    {
      delayMs: lossyUpdates ? config.COUNT_AUDIT_DELAY_MS : 0,
      maxWaitMs: Math.max(COUNT_AUDIT_MAX_WAIT_MS, config.COUNT_AUDIT_DELAY_MS),
      maxPending: COUNT_AUDIT_MAX_PENDING,
      concurrency: 4,
    },
    logger,
  );
  // Registered before the consumers and the API: it runs its waiting checks after they stopped.
  shutdown.add('count audit', () => audit.stop());
  const inbound = new InboundMessageHandler({
    audit,
    customers,
    conversations,
    messages,
    events,
    commands,
    subjectWindowMs: config.THREAD_SUBJECT_WINDOW_HOURS * 3_600_000,
    senders: identity.senders,
    follower: identity.follower,
  });
  const consumers = [
    await consumeInbound(kafka, inbound, config.INBOUND_KEY_CONCURRENCY),
    await consumeDelivery(kafka, new DeliveryStatusHandler(messages, held), logger),
    await consumeAssignments(kafka, commands),
    await consumeTimelineEvents(kafka, activities),
  ];

  const hub: WatchHub = new WatchHub({
    bufferEvents: config.WATCH_BUFFER_EVENTS,
    maxLag: config.WATCH_SUBSCRIBER_MAX_LAG,
    maxStreamsPerTenant: config.WATCH_MAX_STREAMS_PER_TENANT,
    observer: new WatchMetrics(runtime.registry, () => hub),
  });
  const watchConsumer = await consumeForWatch(kafka, hub, logger);
  // In parallel, each bounded: each waits for its fetch in flight (up to kafkajs' maxWaitTime) before leaving its group.
  shutdown.add('consumers', async () => {
    await Promise.all([...consumers.map((consumer) => consumer.stop()), watchConsumer.stop()]);
  });
  const watch = new WatchEventsService(hub, new WatchTargetsRepository(store));

  const authenticator = new ApiKeyAuthenticator(store, {
    cacheTtlMs: config.API_KEY_CACHE_TTL_MS,
    rateLimit: { perSecond: config.API_RATE_LIMIT_PER_SECOND, burst: config.API_RATE_LIMIT_BURST },
  });
  const grpc = createGrpcServer({
    logger,
    protoFiles: protoSources(['omni/v1/conversation_service.proto', 'omni/v1/customer_service.proto']),
    interceptors: [authInterceptor(authenticator.grpcAuthenticate)],
  });
  const replies = new ReplyService({
    conversations,
    messages,
    messageIdDomain: config.MESSAGE_ID_DOMAIN,
    replyWindowMs: config.REPLY_WINDOW_HOURS * 3_600_000,
    onStored: relay.wake,
    audit,
  });
  const timelineCache: TimelinePageCache<TimelinePage> = new TimelinePageCache({
    maxEntries: config.TIMELINE_CACHE_MAX_ENTRIES,
    maxBytes: config.TIMELINE_CACHE_MAX_BYTES,
    sizeOf: cachedPageMemory,
    observer: new TimelineCacheMetrics(runtime.registry, () => timelineCache.stats()),
  });
  const api = conversationApi({
    queries: new ConversationQueries(customers, conversations, messages),
    replies,
    commands,
    messages,
    activities,
    timelineCache,
  });
  grpc.addService(conversationServiceDefinition, {
    ...conversationServer(api),
    watchEvents: watchEventsRpc(watch, config.WATCH_HEARTBEAT_MS),
  });
  const customerOperations = customerApi(identity.customerService, identity.mergeService);
  mountRest(runtime.http.app, authenticator, { conversations: api, customers: customerOperations });
  mountEventsSse(runtime.http.app, { authenticator, watch, heartbeatMs: config.WATCH_HEARTBEAT_MS });
  grpc.addService(CustomerServiceService, customerServer(customerOperations));
  const grpcPort = await grpc.start({ host: config.GRPC_HOST, port: config.GRPC_PORT });
  shutdown.add('grpc', () => grpc.shutdown(config.SHUTDOWN_GRACE_MS / 2));
  // Runs before gRPC and the consumers stop: open streams end with UNAVAILABLE rather than being cut.
  shutdown.add('watch streams', () => hub.close());
  runtime.serving();

  return { runtime, grpcPort, httpPort: runtime.httpPort, stop: () => shutdown.run('stop') };
}
