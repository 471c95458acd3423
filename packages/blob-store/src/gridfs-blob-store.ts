import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRef } from '@omni/contracts';
import { type Db, GridFSBucket, type GridFSBucketWriteStream, MongoError, ObjectId } from 'mongodb';
import { type BlobMeta, BlobNotFoundError, type BlobStore, BlobTooLargeError } from './blob-store';
import { HashingCounter } from './hashing-counter';

export interface GridFsBlobStoreSettings {
  /** A database of its own, so blobs never crowd a service's collections (e.g. `<MONGODB_DB>_blobs`). */
  db: Db;
  bucketName?: string;
  /** Largest content accepted; the upload is aborted and its chunks deleted past it. */
  maxBytes?: number;
  /** Told about chunks left behind when deleting a failed or duplicate upload failed. */
  onCleanupError?: (error: unknown, fileId: string) => void;
}

interface RefDocument {
  _id: string;
  fileId: ObjectId;
  size: number;
  contentType: string;
  filename?: string;
  createdAt: Date;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * GridFS keyed by sha256. The hash is only known after the bytes went by, so
 * content streams into a file under a fresh id, and a `<bucket>.refs` document
 * whose _id is the blob id then claims it. The unique _id decides races between
 * two uploads of the same bytes: the loser deletes its own copy. Only
 * single-document operations, which FerretDB v1 supports.
 */
export class GridFsBlobStore implements BlobStore {
  private readonly bucket: GridFSBucket;
  private readonly bucketName: string;
  readonly maxBytes: number;

  constructor(private readonly settings: GridFsBlobStoreSettings) {
    this.bucketName = settings.bucketName ?? 'blobs';
    this.bucket = new GridFSBucket(settings.db, { bucketName: this.bucketName });
    this.maxBytes = settings.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  private get refs() {
    return this.settings.db.collection<RefDocument>(`${this.bucketName}.refs`);
  }

  async put(content: Readable | Buffer, meta: BlobMeta): Promise<BlobRef> {
    if (Buffer.isBuffer(content)) {
      if (content.length > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
      // A buffer can be hashed first: known content costs one lookup and no upload.
      const sha256 = createHash('sha256').update(content).digest('hex');
      if (await this.refs.findOne({ _id: blobIdOf(sha256) }, { projection: { _id: 1 } })) {
        return blobRef(sha256, content.length, meta.contentType);
      }
    }
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
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
    try {
      await this.refs.insertOne({
        _id: blobIdOf(sha256),
        fileId,
        size: counter.size,
        contentType: meta.contentType,
        filename: meta.filename,
        createdAt: new Date(),
      });
    } catch (error: unknown) {
      if (!isDuplicateKey(error)) {
        await this.discard(fileId);
        throw error;
      }
      // Someone stored these bytes first (or concurrently): keep theirs, drop ours.
      await this.discard(fileId);
    }
    return blobRef(sha256, counter.size, meta.contentType);
  }

  async open(blobId: string): Promise<Readable> {
    const ref = await this.refs.findOne({ _id: blobId });
    if (!ref) throw new BlobNotFoundError(blobId);
    return this.bucket.openDownloadStream(ref.fileId);
  }

  /** How many stored copies back a blob id: 1 once stored, 0 before (for checks and tests). */
  async copies(blobId: string): Promise<number> {
    const ref = await this.refs.findOne({ _id: blobId });
    if (!ref) return 0;
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
