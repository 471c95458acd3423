import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { isTransientError } from '@omni/kafka';
import { createTestLogger } from '@omni/testing';
import type { OutboundMail } from '../../domain/outbound-mail';
import { SmtpRelay } from './outbound-relay';

const mail: OutboundMail = {
  from: { name: 'Acme', address: 'support@acme.test' },
  to: { name: '', address: 'jane@example.com' },
  subject: 'Re: x',
  text: 'hi',
  html: '',
  messageId: 'm1@acme.test',
  replyTo: undefined,
  inReplyTo: undefined,
  references: [],
  threadTopic: 'x',
  threadIndex: 'AQHdeMc88GdwQzHhy6epJUWXd2Lyxw==',
  automatic: false,
  attachments: [],
};

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SmtpRelay', () => {
  it('gives up on an unreachable relay after its attempts with a transient error, never a FAILED', async () => {
    const relay = new SmtpRelay(`smtp://user:secret-pass@127.0.0.1:${await closedPort()}`, createTestLogger(), {
      retry: { attempts: 3, backoff: { initialMs: 10, maxMs: 20 }, budgetMs: 5_000 },
    });
    try {
      const error: unknown = await relay.send(mail).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: 'unavailable' });
      expect(isTransientError(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain('secret-pass');
    } finally {
      relay.close();
    }
  });
});
