import { createHash } from 'node:crypto';

/**
 * Outlook's Thread-Index ([MS-OXOMSG] 2.2.1.3 PidTagConversationIndex): a
 * 22-byte header block (reserved 0x01, 40 bits of the FILETIME, a 16-byte
 * conversation GUID) followed by one 5-byte child block per reply (1 bit delta
 * code, 31 bits of the time since the header's time, 8 bits of randomness).
 * Outlook sorts and indents a thread by it; keeping the customer's header and
 * appending our block keeps our reply in their thread.
 */
export const HEADER_BLOCK_BYTES = 22;
export const CHILD_BLOCK_BYTES = 5;

// 100 ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01.
const FILETIME_UNIX_EPOCH_MS = 11_644_473_600_000n;

export function toFiletime(date: Date): bigint {
  return (BigInt(date.getTime()) + FILETIME_UNIX_EPOCH_MS) * 10_000n;
}

/** Decodes a base64 Thread-Index; undefined when it is not a header block plus whole child blocks. */
export function decodeThreadIndex(value: string): Buffer | undefined {
  const text = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < HEADER_BLOCK_BYTES || (bytes.length - HEADER_BLOCK_BYTES) % CHILD_BLOCK_BYTES !== 0) {
    return undefined;
  }
  return bytes;
}

/**
 * The header block's time. The documented layout puts FILETIME bits 63..24
 * after the reserved byte; older Outlook versions wrote bits 63..16 from the
 * first byte instead (whose top byte happens to be 0x01 too). The FILETIME's
 * own top byte is 0x01 for every date between 1829 and 2057, which tells the
 * two apart.
 */
export function headerTime(index: Buffer): bigint {
  return index[1] === 0x01 ? bigEndian(index.subarray(1, 6)) << 24n : bigEndian(index.subarray(0, 6)) << 16n;
}

function bigEndian(bytes: Uint8Array): bigint {
  return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** A new 22-byte header block at `at`, with a GUID derived from the conversation (stable across replies). */
export function newThreadIndexHeader(at: Date, conversationId: string): Buffer {
  const block = Buffer.alloc(HEADER_BLOCK_BYTES);
  block[0] = 0x01;
  const time = toFiletime(at) >> 24n;
  for (let i = 0; i < 5; i++) block[1 + i] = Number((time >> BigInt(8 * (4 - i))) & 0xffn);
  const guid = createHash('sha256').update(`omni-conversation:${conversationId}`).digest().subarray(0, 16);
  guid[6] = ((guid[6] as number) & 0x0f) | 0x80; // RFC 9562 version 8: a custom, name-derived GUID
  guid[8] = ((guid[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  guid.copy(block, 6);
  return block;
}

/**
 * One child block for a reply at `at` to a thread whose header was written at
 * `since`. Differences below 2^49 (about 1.8 years) keep bits 48..18 (delta
 * code 0), longer ones bits 53..23 (delta code 1). `random` fills the last byte.
 */
export function childBlock(since: bigint, at: Date, random: number): Buffer {
  let delta = toFiletime(at) - since;
  if (delta < 0n) delta = 0n; // the customer's clock ran ahead of ours
  const long = delta >> 49n !== 0n;
  const bits = (long ? delta >> 23n : delta >> 18n) & 0x7fff_ffffn;
  const block = Buffer.alloc(CHILD_BLOCK_BYTES);
  block.writeUInt32BE((long ? 0x8000_0000 : 0) + Number(bits), 0);
  block[4] = random & 0xff;
  return block;
}

/**
 * The Thread-Index of our reply: the customer's extended by one child block,
 * or a new header when they sent none (or an unreadable one). Deterministic
 * for a given message (time = the message's creation, random byte from its
 * id), so a re-send carries the same value.
 */
export function replyThreadIndex(input: {
  customerIndex: string;
  conversationId: string;
  messageId: string;
  at: Date;
}): string {
  const parent = input.customerIndex ? decodeThreadIndex(input.customerIndex) : undefined;
  if (!parent) return newThreadIndexHeader(input.at, input.conversationId).toString('base64');
  const random = createHash('sha256').update(input.messageId).digest()[0] as number;
  return Buffer.concat([parent, childBlock(headerTime(parent), input.at, random)]).toString('base64');
}
