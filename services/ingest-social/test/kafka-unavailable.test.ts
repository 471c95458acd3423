import { deterministicId } from '@omni/contracts';
import { type RunningStack, startStack } from '@omni/dev-stack';
import { waitFor } from '@omni/testing';
import { type IngestSocial, startIngestSocial } from '../src/service';
import { KafkaProbe, PAGE_ID, postSigned, SECRETS, TENANT, writeChannelsFile } from './fixtures/social-harness';

// A private Kafka this file may stop without disturbing anyone else's tests.
let stack: RunningStack;
let service: IngestSocial;
let probe: KafkaProbe;
let base = '';
const prefix = `t-socialkafka-${Date.now()}.`;

function webhook(mid: string): string {
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: 1,
        messaging: [
          {
            sender: { id: 'psid-k' },
            recipient: { id: PAGE_ID },
            timestamp: 1767225600000,
            message: { mid, text: 'still there?' },
          },
        ],
      },
    ],
  });
}

beforeAll(async () => {
  stack = await startStack({ name: 'social-kafka-down', ignoreEnv: true, log: () => undefined });
  service = await startIngestSocial({
    KAFKA_BROKERS: stack.kafkaBrokers,
    MONGODB_URI: stack.mongoUri,
    KAFKA_TOPIC_PREFIX: prefix,
    MONGODB_DB: 'social_kafka_down',
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    CHANNELS_CONFIG_FILE: writeChannelsFile(),
    WEBHOOK_PUBLISH_TIMEOUT_MS: '2000',
  });
  base = `http://127.0.0.1:${service.httpPort}`;
}, 180_000);

afterAll(async () => {
  await probe?.stop();
  await service?.runtime.shutdown.run('test');
  await stack?.stop();
}, 120_000);

it('answers 503 while Kafka is down, and accepts the platform retry once it is back', async () => {
  expect((await postSigned(base, '/webhooks/meta', webhook('m_before'), SECRETS.messenger.appSecret)).status).toBe(200);

  await stack.stopKafka();
  const during = await postSigned(base, '/webhooks/meta', webhook('m_during'), SECRETS.messenger.appSecret);
  expect(during.status).toBe(503);
  expect(during.headers.get('retry-after')).toBe('5');
  expect((await fetch(`${base}/healthz`)).status).toBe(200);

  await stack.startKafka();
  // The platform's retry: the same body again until it is accepted.
  await waitFor(
    'the retried webhook to be accepted',
    async () =>
      (await postSigned(base, '/webhooks/meta', webhook('m_during'), SECRETS.messenger.appSecret)).status === 200,
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );
  probe = new KafkaProbe([stack.kafkaBrokers], prefix);
  await probe.start();
  const events = await waitFor(
    'the message published',
    () => probe.inboundWithChannelId('m_during').length > 0 && probe.inboundWithChannelId('m_during'),
    {
      timeoutMs: 60_000,
    },
  );
  expect(new Set(events.map((e) => e.value.id))).toEqual(
    new Set([deterministicId('msg', TENANT, 'messenger', 'm_during')]),
  );
}, 240_000);
