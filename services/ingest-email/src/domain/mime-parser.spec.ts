import { Readable } from 'node:stream';
import { parseMime } from './mime-parser';

const raw = [
  'From: "Zed" <Zed@Example.COM>',
  'To: support@acme.test',
  'Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=',
  'Message-ID: <zed-1@example.com>',
  'References: <a@x> <b@x>',
  'Date: Fri, 20 Nov 2026 10:00:00 +0000',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello',
  '',
].join('\r\n');

test('parses a mail into neutral fields', async () => {
  const parsed = await parseMime(Readable.from([Buffer.from(raw)]));
  expect(parsed).toMatchObject({
    from: { address: 'Zed@Example.COM', name: 'Zed' },
    to: [{ address: 'support@acme.test', name: '' }],
    subject: 'Grüße',
    messageId: 'zed-1@example.com',
    references: ['a@x', 'b@x'],
    date: new Date('2026-11-20T10:00:00Z'),
    problems: [],
  });
  expect(parsed.text.trim()).toBe('Hello');
});

test('when mailparser throws, the headers it could read are kept and parse_failed is flagged', async () => {
  const failing = async (source: Readable) => {
    source.read(); // mailparser gets some way in before it fails
    throw new Error('unexpected end of multipart');
  };
  const parsed = await parseMime(Readable.from([Buffer.from(raw)]), failing);
  expect(parsed).toMatchObject({
    from: { address: 'Zed@Example.COM' },
    subject: '=?utf-8?Q?Gr=C3=BC=C3=9Fe?=',
    messageId: 'zed-1@example.com',
    references: ['a@x', 'b@x'],
    attachments: [],
    problems: [{ code: 'parse_failed', detail: 'unexpected end of multipart' }],
  });
});

test('a failing source rejects instead of yielding a half-parsed mail', async () => {
  const source = new Readable({
    read() {
      this.destroy(new Error('blob store connection reset'));
    },
  });
  await expect(parseMime(source)).rejects.toThrow('blob store connection reset');
});
