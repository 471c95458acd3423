import {
  CHILD_BLOCK_BYTES,
  childBlock,
  decodeThreadIndex,
  HEADER_BLOCK_BYTES,
  headerTime,
  newThreadIndexHeader,
  replyThreadIndex,
  toFiletime,
} from './outbound-thread-index';

const created = new Date('2026-11-02T09:30:00.000Z');
const HOUR_IN_FILETIME = 3_600n * 10_000_000n;

/** Decodes a child block independently of the code under test: [MS-OXOMSG] DC bit + 31-bit delta + random byte. */
function childDelta(block: Buffer): { long: boolean; delta: bigint; random: number } {
  const word = block.readUInt32BE(0);
  const long = (word & 0x8000_0000) !== 0;
  const bits = BigInt(word & 0x7fff_ffff);
  return { long, delta: long ? bits << 23n : bits << 18n, random: block[4] as number };
}

describe('Thread-Index', () => {
  it('creates a 22-byte header block: 0x01, FILETIME bits 63..24, a GUID stable per conversation', () => {
    const header = newThreadIndexHeader(created, 'conv_1');
    expect(header).toHaveLength(HEADER_BLOCK_BYTES);
    expect(header[0]).toBe(0x01);
    // The FILETIME's top byte is 0x01 for current dates, so the documented layout starts 01 01.
    expect(header[1]).toBe(0x01);
    expect(headerTime(header)).toBe((toFiletime(created) >> 24n) << 24n);
    expect(header.subarray(6).equals(newThreadIndexHeader(new Date(), 'conv_1').subarray(6))).toBe(true);
    expect(header.subarray(6).equals(newThreadIndexHeader(created, 'conv_2').subarray(6))).toBe(false);
  });

  it("extends the customer's index by one 5-byte child block holding the time since its header", () => {
    const customer = newThreadIndexHeader(created, 'their-thread');
    const replyAt = new Date(created.getTime() + 3_600_000);
    const reply = Buffer.from(
      replyThreadIndex({
        customerIndex: customer.toString('base64'),
        conversationId: 'c',
        messageId: 'm',
        at: replyAt,
      }),
      'base64',
    );
    expect(reply).toHaveLength(HEADER_BLOCK_BYTES + CHILD_BLOCK_BYTES);
    expect(reply.subarray(0, HEADER_BLOCK_BYTES).equals(customer)).toBe(true);
    const child = childDelta(reply.subarray(HEADER_BLOCK_BYTES));
    expect(child.long).toBe(false);
    const expected = toFiletime(replyAt) - headerTime(customer);
    // Bits below 18 are dropped: the child's time is within 2^18 * 100 ns (26 ms) of the truth.
    expect(expected - child.delta).toBeGreaterThanOrEqual(0n);
    expect(expected - child.delta).toBeLessThan(1n << 18n);
    expect(child.delta).toBeGreaterThan(HOUR_IN_FILETIME - (1n << 24n));
  });

  it('appends after existing child blocks and keeps them', () => {
    const header = newThreadIndexHeader(created, 't');
    const withChild = Buffer.concat([header, childBlock(headerTime(header), new Date(created.getTime() + 60_000), 7)]);
    const reply = Buffer.from(
      replyThreadIndex({
        customerIndex: withChild.toString('base64'),
        conversationId: 'c',
        messageId: 'm',
        at: new Date(created.getTime() + 120_000),
      }),
      'base64',
    );
    expect(reply).toHaveLength(HEADER_BLOCK_BYTES + 2 * CHILD_BLOCK_BYTES);
    expect(reply.subarray(0, withChild.length).equals(withChild)).toBe(true);
  });

  it('uses delta code 1 (bits 53..23) for differences beyond about 1.8 years', () => {
    const header = newThreadIndexHeader(new Date('2020-01-01T00:00:00Z'), 't');
    const at = new Date('2026-01-01T00:00:00Z');
    const child = childDelta(childBlock(headerTime(header), at, 0xab));
    expect(child.long).toBe(true);
    expect(child.random).toBe(0xab);
    const expected = toFiletime(at) - headerTime(header);
    expect(expected - child.delta).toBeLessThan(1n << 23n);
    expect(expected - child.delta).toBeGreaterThanOrEqual(0n);
  });

  it("reads the legacy layout (FILETIME bits 63..16 from the first byte) for the header's time", () => {
    const legacy = Buffer.alloc(HEADER_BLOCK_BYTES);
    const time = toFiletime(created) >> 16n;
    for (let i = 0; i < 6; i++) legacy[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
    expect(legacy[0]).toBe(0x01);
    expect(headerTime(legacy)).toBe(time << 16n);
    const child = childDelta(childBlock(headerTime(legacy), new Date(created.getTime() + 1_000), 0));
    expect(child.delta).toBeGreaterThan(9_000_000n);
    expect(child.delta).toBeLessThanOrEqual(10_000_000n);
  });

  it('is deterministic per message, and starts a new thread when the customer sent none or garbage', () => {
    const input = { customerIndex: '', conversationId: 'conv_9', messageId: 'msg_1', at: created };
    expect(replyThreadIndex(input)).toBe(replyThreadIndex(input));
    expect(Buffer.from(replyThreadIndex(input), 'base64')).toHaveLength(HEADER_BLOCK_BYTES);
    expect(decodeThreadIndex('not base64 at all!')).toBeUndefined();
    expect(decodeThreadIndex(Buffer.alloc(23).toString('base64'))).toBeUndefined();
    const fromGarbage = replyThreadIndex({ ...input, customerIndex: Buffer.alloc(10).toString('base64') });
    expect(fromGarbage).toBe(replyThreadIndex(input));
  });
});
