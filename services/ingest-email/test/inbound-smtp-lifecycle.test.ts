import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestScope } from '@omni/testing';
import nodemailer from 'nodemailer';
import { type IngestEmail, startIngestEmail } from '../src/service';
import { PublishedEvents, SmtpSession, writeChannelsFile } from './fixtures/inbound-harness';
import { LOCAL_INBOUND_ENV } from './fixtures/inbound-service';

const scope = createTestScope('ingest-email-smtp-tls');
let service: IngestEmail;
let events: PublishedEvents;

/** A self-signed certificate, as an operator would mount one from a Secret. */
function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=mx.acme.test',
    ],
    {
      stdio: 'ignore',
    },
  );
  return { cert, key };
}

beforeAll(async () => {
  const tls = selfSignedCertificate();
  service = await startIngestEmail(
    scope.env({
      CHANNELS_CONFIG_FILE: writeChannelsFile(),
      ...LOCAL_INBOUND_ENV,
      SMTP_TLS_CERT_FILE: tls.cert,
      SMTP_TLS_KEY_FILE: tls.key,
      SHUTDOWN_GRACE_MS: '20000',
      LOG_LEVEL: 'warn',
    }),
  );
  events = new PublishedEvents(scope.kafkaBrokers, scope.topicPrefix);
  await events.start();
}, 60_000);

afterAll(async () => {
  await events?.stop();
  await service?.runtime.shutdown.run('test');
});

test('with a certificate configured, STARTTLS is offered and mail arrives over TLS', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: service.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  try {
    const raw =
      'From: tls@customer.test\r\nTo: support@acme.test\r\nSubject: over tls\r\nMessage-ID: <tls-1@customer.test>\r\n\r\nsecret\r\n';
    const info = await transport.sendMail({ envelope: { from: 'tls@customer.test', to: ['support@acme.test'] }, raw });
    expect(info.response).toMatch(/^250 /);
  } finally {
    transport.close();
  }
  await events.inboundFor('tls-1@customer.test');
});

test('shutdown lets a session in DATA finish and publish, and accepts no new connections', async () => {
  const { session } = await SmtpSession.open(service.smtpPort);
  expect(await session.command('EHLO client.test')).toMatch(/STARTTLS/);
  expect(await session.command('MAIL FROM:<late@customer.test>')).toMatch(/^250/);
  expect(await session.command('RCPT TO:<support@acme.test>')).toMatch(/^250/);
  expect(await session.command('DATA')).toMatch(/^354/);
  session.write('From: late@customer.test\r\nTo: support@acme.test\r\nSubject: in flight\r\n');

  const stopping = service.runtime.shutdown.run('test');
  session.write('Message-ID: <in-flight-1@customer.test>\r\n\r\nwritten while the service stops\r\n.\r\n');
  expect(await session.reply()).toMatch(/^250 /);
  session.close();

  const [event] = await events.inboundFor('in-flight-1@customer.test');
  expect(event?.value.subject).toBe('in flight');
  await stopping;
  await expect(SmtpSession.open(service.smtpPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
}, 60_000);
