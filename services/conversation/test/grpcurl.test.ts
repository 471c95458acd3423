import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@omni/testing';
import { type Harness, mail, startHarness } from './conversation-harness';

/** grpcurl as `npm test` provides it: on PATH, or built into the dev-stack cache. */
function grpcurlPath(): string {
  const cached = join(homedir(), '.cache', 'omni-dev-stack', 'bin', 'grpcurl');
  if (existsSync(cached)) return cached;
  const fromPath = (process.env.PATH ?? '')
    .split(':')
    .map((dir) => join(dir, 'grpcurl'))
    .find(existsSync);
  if (!fromPath)
    throw new Error('grpcurl not found: `npm test` builds it (go install github.com/fullstorydev/grpcurl/cmd/grpcurl)');
  return fromPath;
}

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness('grpcurl');
  key = await h.keyFor('acme');
}, 120_000);

afterAll(async () => {
  await h?.close();
});

async function grpcurl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(grpcurlPath(), ['-plaintext', ...args], { timeout: 30_000 });
  return stdout;
}

test('grpcurl lists the services through reflection, describes one and calls it', async () => {
  const address = `127.0.0.1:${h.service.grpcPort}`;
  const services = (await grpcurl(address, 'list')).trim().split('\n');
  expect(services).toEqual(expect.arrayContaining(['omni.v1.ConversationService', 'grpc.health.v1.Health']));
  expect(await grpcurl(address, 'describe', 'omni.v1.ConversationService')).toContain('rpc ListTimeline');

  await h.publishInbound(mail({ from: 'yuri@example.com', messageId: 'yuri1@example.com', subject: 'Broken zip' }));
  const listed = await waitFor('the conversation listed by grpcurl', async () => {
    const out = await grpcurl(
      '-H',
      `authorization: Bearer ${key}`,
      '-d',
      '{"customer_identity":{"kind":"IDENTITY_KIND_EMAIL","value":"yuri@example.com"}}',
      address,
      'omni.v1.ConversationService/ListConversations',
    );
    const body = JSON.parse(out) as { conversations?: Array<{ subject: string; status: string }> };
    return body.conversations?.length ? body.conversations : undefined;
  });
  expect(listed[0]).toMatchObject({ subject: 'Broken zip', status: 'CONVERSATION_STATUS_OPEN' });
  await expect(grpcurl(address, 'omni.v1.ConversationService/ListConversations')).rejects.toMatchObject({
    stderr: expect.stringContaining('Unauthenticated'),
  });
});
