import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { issueApiKey } from '@omni/auth';
import {
  type AcceptOfferRequest,
  type AcceptOfferResponse,
  type AssignmentEvent,
  AssignmentEventType,
  Channel,
  ConversationEvent,
  ConversationEventType,
  ConversationStatus,
  type DeclineOfferRequest,
  type DeclineOfferResponse,
  type EscalationStep,
  type ExplainAssignmentRequest,
  type ExplainAssignmentResponse,
  type GetAgentRequest,
  type GetAgentResponse,
  type GetRoutingPolicyRequest,
  type GetRoutingPolicyResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type ListQueueRequest,
  type ListQueueResponse,
  Presence,
  type PutRoutingPolicyRequest,
  type PutRoutingPolicyResponse,
  RoutingPolicy,
  RoutingRule,
  RoutingServiceClient,
  type RuleMatch,
  type SetPresenceRequest,
  type SetPresenceResponse,
  Topics,
  type UpsertAgentRequest,
  type UpsertAgentResponse,
} from '@omni/contracts';
import { KafkaClient } from '@omni/kafka';
import { createTestLogger, createTestScope, type TestScope } from '@omni/testing';
import { type RoutingService, startRouting } from '../src/service';

/** The RoutingService methods the tests call, with their request and response types. */
interface Rpcs {
  upsertAgent: [UpsertAgentRequest, UpsertAgentResponse];
  getAgent: [GetAgentRequest, GetAgentResponse];
  setPresence: [SetPresenceRequest, SetPresenceResponse];
  heartbeat: [HeartbeatRequest, HeartbeatResponse];
  listQueue: [ListQueueRequest, ListQueueResponse];
  explainAssignment: [ExplainAssignmentRequest, ExplainAssignmentResponse];
  putRoutingPolicy: [PutRoutingPolicyRequest, PutRoutingPolicyResponse];
  getRoutingPolicy: [GetRoutingPolicyRequest, GetRoutingPolicyResponse];
  acceptOffer: [AcceptOfferRequest, AcceptOfferResponse];
  declineOffer: [DeclineOfferRequest, DeclineOfferResponse];
}
type Callback = (error: ServiceError | null, response: unknown) => void;

export interface Harness {
  scope: TestScope;
  services: RoutingService[];
  client: RoutingServiceClient;
  /** Every AssignmentEvent seen so far, in arrival order. */
  assignments: AssignmentEvent[];
  publish(...events: ConversationEvent[]): Promise<void>;
  adminKey(tenantId: string): Promise<string>;
  /** Calls the first instance (or `client`) with the API key as bearer token. */
  call<M extends keyof Rpcs>(
    method: M,
    key: string,
    request: Rpcs[M][0],
    client?: RoutingServiceClient,
  ): Promise<Rpcs[M][1]>;
  close(): Promise<void>;
}

/** Routing service instances sharing one scope (topics, database, consumer group), plus a Kafka client to feed and watch them. */
export async function startHarness(
  label: string,
  options: { instances?: number; env?: Record<string, string> } = {},
): Promise<Harness> {
  const scope = createTestScope(label);
  const env = scope.env({
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ROUTING_CONSUMER_GROUP: `routing-${scope.topicPrefix}`,
    ROUTING_SWEEP_INTERVAL_MS: '500',
    ...options.env,
  });
  const services: RoutingService[] = [];
  for (let i = 0; i < (options.instances ?? 1); i++) services.push(await startRouting(env));
  const first = services[0] as RoutingService;
  const kafka = new KafkaClient({
    brokers: scope.kafkaBrokers,
    clientId: `${label}-test`,
    topicPrefix: scope.topicPrefix,
    logger: createTestLogger(),
    logLevel: 'error',
  });
  const assignments: AssignmentEvent[] = [];
  await kafka.consume(`${label}-assignments-${scope.topicPrefix}`, {
    topic: Topics.assignments,
    type: AssignmentEventType,
    fromBeginning: true,
    handle: async (batch) => {
      for (const event of batch) assignments.push(event.value);
    },
  });
  const producer = await kafka.producer();
  const client = new RoutingServiceClient(`127.0.0.1:${first.grpcPort}`, credentials.createInsecure());
  const keys = new Map<string, string>();
  return {
    scope,
    services,
    client,
    assignments,
    publish: (...events) =>
      producer.publish(
        ConversationEventType,
        Topics.conversationEvents,
        events.map((value) => ({ key: value.conversationId, value, eventId: value.id })),
      ),
    async adminKey(tenantId) {
      const known = keys.get(tenantId);
      if (known) return known;
      const { key } = await issueApiKey(first.runtime.store, { tenantId, role: 'admin', name: 'test admin' });
      keys.set(tenantId, key);
      return key;
    },
    call<M extends keyof Rpcs>(method: M, key: string, request: Rpcs[M][0], target = client) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${key}`);
      const rpc = target[method] as unknown as (request: unknown, metadata: Metadata, callback: Callback) => unknown;
      return new Promise<Rpcs[M][1]>((resolve, reject) => {
        rpc.call(target, request, metadata, (error, response) =>
          error ? reject(error) : resolve(response as Rpcs[M][1]),
        );
      });
    },
    async close() {
      client.close();
      await kafka.close();
      for (const service of services) await service.stop();
    },
  };
}

let sequence = 0;

export interface OpenedOptions {
  channel?: Channel;
  text?: string;
  attributes?: Record<string, string>;
  lastAgentId?: string;
  reopened?: boolean;
  occurredAt?: Date;
  version?: number;
}

/** A ConversationOpened event as the conversation service publishes it. */
export function opened(tenantId: string, conversationId: string, options: OpenedOptions = {}): ConversationEvent {
  const version = options.version ?? 1;
  return ConversationEvent.fromPartial({
    id: `evt-${conversationId}-${version}-opened`,
    tenantId,
    conversationId,
    customerId: `cust-${conversationId}`,
    occurredAt: options.occurredAt ?? new Date(Date.now() - 60_000 + sequence++),
    version,
    kind: {
      $case: 'opened',
      value: {
        channel: options.channel ?? Channel.CHANNEL_WHATSAPP,
        inboxId: 'support',
        language: 'en',
        subject: '',
        firstMessageText: options.text ?? 'hello',
        customerAttributes: options.attributes ?? {},
        reopened: options.reopened ?? false,
        lastAgentId: options.lastAgentId ?? '',
      },
    },
  });
}

export function resolved(tenantId: string, conversationId: string, version = 2): ConversationEvent {
  return ConversationEvent.fromPartial({
    id: `evt-${conversationId}-${version}-resolved`,
    tenantId,
    conversationId,
    occurredAt: new Date(),
    version,
    kind: {
      $case: 'statusChanged',
      value: { from: ConversationStatus.CONVERSATION_STATUS_OPEN, to: ConversationStatus.CONVERSATION_STATUS_RESOLVED },
    },
  });
}

export interface AgentOptions {
  skills?: Record<string, number>;
  teams?: string[];
  capacity?: Record<string, number>;
  online?: boolean;
}

/** Creates an agent through the API and (by default) brings it online. */
export async function addAgent(
  h: Harness,
  tenantId: string,
  agentId: string,
  options: AgentOptions = {},
): Promise<void> {
  const key = await h.adminKey(tenantId);
  await h.call('upsertAgent', key, {
    agent: {
      agentId,
      name: agentId,
      skills: options.skills ?? {},
      teams: options.teams ?? [],
      capacity: options.capacity ?? { email: 8, messaging: 3 },
      load: {},
      presence: Presence.PRESENCE_UNSPECIFIED,
      version: 0,
      apiKeyId: '',
      heartbeatAt: undefined,
      lastAssignedAt: undefined,
    },
  });
  if (options.online ?? true) {
    await h.call('setPresence', key, { agentId, presence: Presence.PRESENCE_ONLINE });
  }
}

/** Puts a policy for the tenant; unspecified fields take their proto defaults. */
export async function putPolicy(h: Harness, tenantId: string, policy: PolicyInput) {
  return h.call('putRoutingPolicy', await h.adminKey(tenantId), { policy: RoutingPolicy.fromPartial(policy) });
}

type RuleInput = Partial<Omit<RoutingRule, 'match'>> & { match?: Partial<RuleMatch> };

/** A rule matching one keyword of the first message, requiring these skills, at this priority. */
export function keywordRule(name: string, keyword: string, requiredSkills: Record<string, number>, priority: number) {
  return RoutingRule.fromPartial({
    name,
    match: { channels: [], inboxIds: [], languages: [], keywords: [keyword], customerAttributes: {} },
    requiredSkills,
    priority,
  });
}
export type PolicyInput = Partial<Omit<RoutingPolicy, 'rules' | 'escalation'>> & {
  rules?: RuleInput[];
  escalation?: Partial<EscalationStep>[];
};

/**
 * The AssignmentEvents of one conversation, in arrival order, deduplicated by event id as
 * consumers do (delivery is at least once): a second id is a second decision.
 */
export function assignmentsOf(h: Harness, conversationId: string) {
  const seen = new Set<string>();
  return h.assignments.filter((a) => a.conversationId === conversationId && !seen.has(a.id) && seen.add(a.id));
}

/** The [action, agent, escalation step] of each of `assignmentsOf` the conversation. */
export function timeline(h: Harness, conversationId: string): [number, string, number][] {
  return assignmentsOf(h, conversationId).map((a) => [a.action, a.agentId, a.escalationStep]);
}
