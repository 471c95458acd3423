import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { readTwice } from './read-twice';

/** 4 MB in 64 KB chunks: far above the streams' buffers, so both readers must keep pace. */
function bigSource() {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return Readable.from(Array.from({ length: 64 }, () => chunk));
}

async function slowLength(stream: Readable): Promise<number> {
  let length = 0;
  for await (const chunk of stream) {
    length += (chunk as Buffer).length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return length;
}

describe('readTwice', () => {
  it('gives both readers every byte, at the pace of the slower one', async () => {
    const [fast, slow] = await readTwice(bigSource(), async (s) => (await text(s)).length, slowLength);
    expect(fast).toBe(4 * 1024 * 1024);
    expect(slow).toBe(4 * 1024 * 1024);
  });

  it('ends the other reader and throws when one fails', async () => {
    const source = bigSource();
    const failing = async (s: Readable) => {
      s.once('data', () => s.destroy(new Error('blob store down')));
      await text(s);
      return 0;
    };
    await expect(readTwice(source, failing, slowLength)).rejects.toThrow('blob store down');
    expect(source.destroyed).toBe(true);
  });

  it('fails when a reader gives up without reading, instead of waiting forever', async () => {
    const refusing = async () => {
      throw new Error('too large');
    };
    await expect(readTwice(bigSource(), refusing, slowLength)).rejects.toThrow('too large');
  });
});
