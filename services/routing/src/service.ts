import { ApiKeyAuthenticator } from '@omni/auth';
import { protoSources, RoutingServiceService, TopicPartitions, Topics } from '@omni/contracts';
import { authInterceptor, createGrpcServer } from '@omni/grpc';
import { ServiceRuntime } from '@omni/runtime';
import { routingApi } from './adapters/api/routing-operations';
import { routingServer } from './adapters/grpc/routing.server';
import { mountRoutingRest } from './adapters/http/routing.rest';
import { AssignmentPublisher } from './adapters/kafka/assignment.publisher';
import { consumeConversationEvents } from './adapters/kafka/conversation-events.consumer';
import { AgentRepository } from './adapters/mongo/agent.repository';
import { DecisionRepository } from './adapters/mongo/decision.repository';
import { routingIndexes } from './adapters/mongo/indexes';
import { PolicyRepository } from './adapters/mongo/policy.repository';
import { ReleaseRepository } from './adapters/mongo/release.repository';
import { RoutingStateRepository } from './adapters/mongo/routing-state.repository';
import { SlotRepository } from './adapters/mongo/slot.repository';
import { AgentService } from './application/agent.service';
import { ConversationEventsHandler } from './application/conversation-events.handler';
import { Dispatcher } from './application/dispatcher';
import { Offers } from './application/offers';
import { Router } from './application/router';
import { RoutingSweeper } from './application/routing-sweeper';
import { WaitEscalator } from './application/wait-escalator';
import { routingEnv } from './config';

const TOPICS = [Topics.conversationEvents, Topics.assignments];

export interface RoutingService {
  runtime: ServiceRuntime<typeof routingEnv>;
  router: Router;
  sweeper: RoutingSweeper;
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Wires the routing service: store, the conversation-events consumer, the sweep, and the API over gRPC and REST. */
export async function startRouting(env: NodeJS.ProcessEnv): Promise<RoutingService> {
  const runtime = ServiceRuntime.create(
    {
      service: 'routing',
      env: routingEnv,
      topics: TOPICS.map((topic) => ({ topic, numPartitions: TopicPartitions[topic] })),
      indexes: routingIndexes,
    },
    env,
  );
  const { config, logger, store, kafka, shutdown } = runtime;
  await runtime.start();

  const heartbeatTtlMs = config.HEARTBEAT_TTL_SECONDS * 1000;
  const agents = new AgentRepository(store);
  const slots = new SlotRepository(store);
  const states = new RoutingStateRepository(store);
  const decisions = new DecisionRepository(store);
  const policies = new PolicyRepository(store);
  const releases = new ReleaseRepository(store);
  const publisher = new AssignmentPublisher(await kafka.producer());
  const queueWindow = config.ROUTING_QUEUE_WINDOW;
  const router = new Router({
    agents,
    slots,
    states,
    decisions,
    releases,
    publisher,
    logger,
    heartbeatTtlMs,
    queueWindow,
  });
  const offers = new Offers({ router, slots, states, publisher });

  const dispatcher = new Dispatcher(router, states, logger, config.ROUTING_CONCURRENCY);
  shutdown.add('dispatcher', () => dispatcher.stop());
  const sweeper = new RoutingSweeper({
    onSweep: dispatcher.wake,
    router,
    offers,
    escalator: new WaitEscalator({ states, publisher, logger }),
    agents,
    slots,
    states,
    logger,
    heartbeatTtlMs,
    intervalMs: config.ROUTING_SWEEP_INTERVAL_MS,
    queueWindow,
  });
  sweeper.start();
  shutdown.add('sweeper', () => sweeper.stop());

  const handler = new ConversationEventsHandler({
    router,
    states,
    policies,
    logger,
    onQueued: dispatcher.wake,
    slaTargets: { messaging: config.SLA_MESSAGING_SECONDS, email: config.SLA_EMAIL_SECONDS },
  });
  const consumer = await consumeConversationEvents(kafka, handler, {
    groupId: config.ROUTING_CONSUMER_GROUP,
    concurrency: config.ROUTING_CONCURRENCY,
  });
  shutdown.add('consumer', () => consumer.stop());

  const authenticator = new ApiKeyAuthenticator(store, { cacheTtlMs: config.API_KEY_CACHE_TTL_MS });
  const grpc = createGrpcServer({
    logger,
    protoFiles: protoSources(['omni/v1/routing_service.proto']),
    interceptors: [authInterceptor(authenticator.grpcAuthenticate)],
  });
  const api = routingApi({
    agentService: new AgentService(agents, router),
    offers,
    agents,
    slots,
    states,
    decisions,
    policies,
    releases,
    heartbeatTtlMs,
  });
  grpc.addService(RoutingServiceService, routingServer(api));
  mountRoutingRest(runtime.http.app, authenticator, api);
  const grpcPort = await grpc.start({ host: config.GRPC_HOST, port: config.GRPC_PORT });
  shutdown.add('grpc', () => grpc.shutdown(config.SHUTDOWN_GRACE_MS / 2));
  runtime.serving();

  return { runtime, router, sweeper, grpcPort, httpPort: runtime.httpPort, stop: () => shutdown.run('stop') };
}
