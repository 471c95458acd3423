import type { Readable } from 'node:stream';
import type { BlobRef } from '@omni/contracts';

export interface BlobMeta {
  contentType: string;
  /** Kept with the first copy for diagnosis; identical bytes under another name are still one blob. */
  filename?: string;
}

/**
 * Content-addressed storage for raw mails, webhook bodies and attachments.
 * Kafka carries the BlobRef, never the bytes; identical content is stored once.
 */
export interface BlobStore {
  /** Streams the content in; resolves once it is durably stored. Rejects with BlobTooLargeError above the cap. */
  put(content: Readable | Buffer, meta: BlobMeta): Promise<BlobRef>;
  /** Rejects with BlobNotFoundError for an unknown id. */
  open(blobId: string): Promise<Readable>;
  checkReady(): Promise<void>;
}

/** The content is larger than the store accepts; nothing of it was kept. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`content exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class BlobNotFoundError extends Error {
  constructor(readonly blobId: string) {
    super(`no blob ${blobId}`);
    this.name = 'BlobNotFoundError';
  }
}

export function isBlobTooLargeError(error: unknown): error is BlobTooLargeError {
  return error instanceof Error && error.name === 'BlobTooLargeError';
}

export function isBlobNotFoundError(error: unknown): error is BlobNotFoundError {
  return error instanceof Error && error.name === 'BlobNotFoundError';
}
