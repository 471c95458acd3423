import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRef } from '@omni/contracts';
import { Binary, type Db, GridFSBucket, type GridFSBucketWriteStream, MongoError, ObjectId } from 'mongodb';
import { type BlobMeta, BlobNotFoundError, type BlobStore, BlobTooLargeError } from './blob-store';
import { HashingCounter } from './hashing-counter';

export interface GridFsBlobStoreSettings {
  /** A database of its own, so blobs never crowd a service's collections (e.g. `<MONGODB_DB>_blobs`). */
  db: Db;
  bucketName?: string;
  /** Largest content accepted; the upload is aborted and its chunks deleted past it. */
  maxBytes?: number;
  /**
   * Content up to this size is kept inside its ref document (one insert) instead of a GridFS
   * file and chunk (three); default: one GridFS chunk, 255 KiB. 0 sends everything to GridFS.
   */
  inlineMaxBytes?: number;
  /** Told about chunks left behind when deleting a failed or duplicate upload failed. */
  onCleanupError?: (error: unknown, fileId: string) => void;
}

interface RefDocument {
  _id: string;
  /** The GridFS file holding the bytes; absent when they are inline. */
  fileId?: ObjectId;
  /** The bytes themselves, for content of at most `inlineMaxBytes`. */
  data?: Binary;
  size: number;
  contentType: string;
  filename?: string;
  createdAt: Date;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** GridFS's default chunk size: content that would fill one chunk at most stays in its ref. */
const DEFAULT_INLINE_MAX_BYTES = 255 * 1024;

/**
 * GridFS keyed by sha256. The hash is only known after the bytes went by, so
 * content streams into a file under a fresh id, and a `<bucket>.refs` document
 * whose _id is the blob id then claims it. The unique _id decides races between
 * two uploads of the same bytes: the loser deletes its own copy. Only
 * single-document operations, which FerretDB v1 supports.
 *
 * Small content (a mail, a webhook body: most of what is stored) skips GridFS:
 * up to `inlineMaxBytes`, the bytes go into the ref document itself, so storing
 * them is one insert, and a second copy of the same bytes is its duplicate-key
 * refusal. A stream is read that far before the choice is made.
 */
export class GridFsBlobStore implements BlobStore {
  private readonly bucket: GridFSBucket;
  private readonly bucketName: string;
  readonly maxBytes: number;
  private readonly inlineMaxBytes: number;

  constructor(private readonly settings: GridFsBlobStoreSettings) {
    this.bucketName = settings.bucketName ?? 'blobs';
    this.bucket = new GridFSBucket(settings.db, { bucketName: this.bucketName });
    this.maxBytes = settings.maxBytes ?? DEFAULT_MAX_BYTES;
    this.inlineMaxBytes = Math.min(settings.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES, this.maxBytes);
  }

  private get refs() {
    return this.settings.db.collection<RefDocument>(`${this.bucketName}.refs`);
  }

  async put(content: Readable | Buffer, meta: BlobMeta): Promise<BlobRef> {
    let source: Readable;
    if (Buffer.isBuffer(content)) {
      if (content.length > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
      if (content.length <= this.inlineMaxBytes) return this.putInline(content, meta);
      // A buffer can be hashed first: known content costs one lookup and no upload.
      const sha256 = createHash('sha256').update(content).digest('hex');
      if (await this.refs.findOne({ _id: blobIdOf(sha256) }, { projection: { _id: 1 } })) {
        return blobRef(sha256, content.length, meta.contentType);
      }
      source = Readable.from([content]);
    } else {
      const head = await readHead(content, this.inlineMaxBytes);
      if (head.ended) return this.putInline(Buffer.concat(head.chunks), meta);
      source = Readable.from(head.all());
    }
    return this.putFile(source, meta);
  }

  /** The bytes in the ref document itself; identical bytes stored before are kept. */
  private async putInline(content: Buffer, meta: BlobMeta): Promise<BlobRef> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    await this.claim(sha256, content.length, meta, { data: new Binary(content) });
    return blobRef(sha256, content.length, meta.contentType);
  }

  /**
   * Inserts the ref of `sha256`, holding the bytes or naming their file; false when these
   * bytes were stored first (or concurrently) by someone else, whose ref stays.
   */
  private async claim(
    sha256: string,
    size: number,
    meta: BlobMeta,
    holder: Pick<RefDocument, 'data' | 'fileId'>,
  ): Promise<boolean> {
    try {
      await this.refs.insertOne({
        _id: blobIdOf(sha256),
        ...holder,
        size,
        contentType: meta.contentType,
        filename: meta.filename,
        createdAt: new Date(),
      });
      return true;
    } catch (error: unknown) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async putFile(source: Readable, meta: BlobMeta): Promise<BlobRef> {
    const counter = new HashingCounter(this.maxBytes);
    const fileId = new ObjectId();
    const upload = this.bucket.openUploadStreamWithId(fileId, `upload-${fileId.toHexString()}`, {
      metadata: { contentType: meta.contentType, filename: meta.filename },
    });
    try {
      await pipeline(source, counter, upload);
    } catch (error: unknown) {
      // A chunk insert may still be in flight: deleting before it lands would leave that chunk behind.
      await untilSettled(upload);
      await this.discard(fileId);
      throw error;
    }
    const sha256 = counter.digest();
    let claimed: boolean;
    try {
      claimed = await this.claim(sha256, counter.size, meta, { fileId });
    } catch (error: unknown) {
      await this.discard(fileId);
      throw error;
    }
    // Someone stored these bytes first (or concurrently): keep theirs, drop ours.
    if (!claimed) await this.discard(fileId);
    return blobRef(sha256, counter.size, meta.contentType);
  }

  async open(blobId: string): Promise<Readable> {
    const ref = await this.refs.findOne({ _id: blobId });
    if (!ref) throw new BlobNotFoundError(blobId);
    if (ref.data) return Readable.from([Buffer.from(ref.data.buffer)]);
    if (!ref.fileId) throw new BlobNotFoundError(blobId);
    return this.bucket.openDownloadStream(ref.fileId);
  }

  /** How many stored copies back a blob id: 1 once stored, 0 before (for checks and tests). */
  async copies(blobId: string): Promise<number> {
    const ref = await this.refs.findOne({ _id: blobId });
    if (!ref) return 0;
    if (ref.data) return 1;
    return this.settings.db.collection(`${this.bucketName}.files`).countDocuments({ _id: ref.fileId });
  }

  async checkReady(): Promise<void> {
    await this.settings.db.command({ ping: 1 });
  }

  private async discard(fileId: ObjectId): Promise<void> {
    try {
      await this.settings.db.collection(`${this.bucketName}.chunks`).deleteMany({ files_id: fileId });
      await this.settings.db.collection(`${this.bucketName}.files`).deleteOne({ _id: fileId });
    } catch (error: unknown) {
      // The caller's own error matters more; orphaned chunks are only wasted space.
      this.settings.onCleanupError?.(error, fileId.toHexString());
    }
  }
}

/**
 * Reads `content` until more than `limit` bytes came or it ended. `all` yields what was
 * read, then the rest of the stream (its errors included).
 */
async function readHead(
  content: Readable,
  limit: number,
): Promise<{ chunks: Buffer[]; ended: boolean; all: () => AsyncGenerator<Buffer> }> {
  const iterator: AsyncIterator<Buffer | string> = content[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
  }
  return {
    chunks,
    ended,
    all: async function* () {
      yield* chunks;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    },
  };
}

async function untilSettled(upload: GridFSBucketWriteStream, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (upload.state.outstandingRequests > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function blobIdOf(sha256: string): string {
  return `sha256:${sha256}`;
}

function blobRef(sha256: string, size: number, contentType: string): BlobRef {
  return { blobId: blobIdOf(sha256), sha256, size, contentType };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoError && (error.code === 11000 || error.code === 11001);
}
