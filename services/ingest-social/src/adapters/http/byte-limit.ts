import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through and fails the stream once more than `maxBytes` went by, whatever Content-Length claimed. */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(new Error(`attachment exceeds ${this.maxBytes} bytes`));
      return;
    }
    callback(null, chunk);
  }
}
