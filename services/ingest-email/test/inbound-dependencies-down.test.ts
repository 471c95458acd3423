import { deterministicId } from '@omni/contracts';
import { type RunningStack, startStack } from '@omni/dev-stack';
import { waitFor } from '@omni/testing';
import { type IngestEmail, startIngestEmail } from '../src/service';
import { fixture, PublishedEvents, sendRaw, writeChannelsFile } from './fixtures/inbound-harness';
import { LOCAL_INBOUND_ENV } from './fixtures/inbound-service';

/** A private Kafka this file can stop under the service, without disturbing other test files. */
let stack: RunningStack;
let service: IngestEmail;
const customer = { from: 'alice@customer.test', to: ['support@acme.test'] };
const sendgridAuth = `Basic ${Buffer.from('sendgrid:sg-webhook-secret').toString('base64')}`;

beforeAll(async () => {
  stack = await startStack({ name: 'email-kafka-down', ignoreEnv: true, log: () => undefined });
  service = await startIngestEmail({
    KAFKA_BROKERS: stack.kafkaBrokers,
    MONGODB_URI: stack.mongoUri,
    MONGODB_DB: 'kafka_down',
    KAFKA_TOPIC_PREFIX: 'kafka-down.',
    CHANNELS_CONFIG_FILE: writeChannelsFile(),
    ...LOCAL_INBOUND_ENV,
    INGEST_PUBLISH_TIMEOUT_MS: '2000',
    SENDGRID_BASIC_AUTH: 'sendgrid:sg-webhook-secret',
    LOG_LEVEL: 'silent',
  });
}, 180_000);

afterAll(async () => {
  await service?.runtime.shutdown.run('test');
  await stack?.stop();
}, 60_000);

test('while Kafka is down mail is deferred with 451 and webhooks get 503, and both succeed on retry', async () => {
  await stack.stopKafka();

  const refused = await sendRaw(service.smtpPort, fixture('multipart-alternative.eml'), customer).catch(
    (e: unknown) => e,
  );
  expect(refused).toMatchObject({ responseCode: 451 });
  const form = new FormData();
  form.set('email', fixture('token-reply.eml').toString());
  const webhook = await fetch(`http://127.0.0.1:${service.httpPort}/webhooks/email/sendgrid`, {
    method: 'POST',
    headers: { authorization: sendgridAuth },
    body: form,
  });
  expect(webhook.status).toBe(503);
  expect(webhook.headers.get('retry-after')).toBe('30');
  expect(await webhook.json()).toMatchObject({ error: { code: 'unavailable' } });

  await stack.startKafka();
  // As a sending MTA does: retry until accepted.
  const accepted = await waitFor(
    'the retried mail to be accepted',
    () => sendRaw(service.smtpPort, fixture('multipart-alternative.eml'), customer).catch(() => undefined),
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  expect(accepted.response).toMatch(/^250 /);
  const retried = await waitFor(
    'the retried webhook to be accepted',
    async () => {
      const response = await fetch(`http://127.0.0.1:${service.httpPort}/webhooks/email/sendgrid`, {
        method: 'POST',
        headers: { authorization: sendgridAuth },
        body: form,
      });
      return response.status === 200 ? response : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  expect(await retried.json()).toEqual({
    accepted: [deterministicId('msg', 'acme', 'email', 'token-reply-1@customer.test')],
  });

  const events = new PublishedEvents([stack.kafkaBrokers], 'kafka-down.');
  await events.start();
  try {
    const [event] = await events.inboundFor('CAF1042-alt@mail.customer.test');
    expect(event?.value.id).toBe(deterministicId('msg', 'acme', 'email', 'CAF1042-alt@mail.customer.test'));
    await events.inboundFor('token-reply-1@customer.test');
  } finally {
    await events.stop();
  }
}, 240_000);

test('while the blob store is down mail is deferred with 451, and accepted once it is back', async () => {
  await stack.stopMongo();
  const raw = fixture('outlook-reply.eml');
  const refused = await sendRaw(service.smtpPort, raw, customer).catch((e: unknown) => e);
  expect(refused).toMatchObject({ responseCode: 451 });

  await stack.startMongo();
  const accepted = await waitFor(
    'the retried mail to be accepted',
    () => sendRaw(service.smtpPort, raw, customer).catch(() => undefined),
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  expect(accepted.response).toMatch(/^250 /);
  const events = new PublishedEvents([stack.kafkaBrokers], 'kafka-down.');
  await events.start();
  try {
    const [event] = await events.inboundFor('DB9PR01MB0001.eurprd01.prod.outlook.com');
    expect(event?.value.threading?.threadTopic).toBe('Contract renewal');
  } finally {
    await events.stop();
  }
}, 240_000);
