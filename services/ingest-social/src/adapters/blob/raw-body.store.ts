import type { BlobStore } from '@omni/blob-store';
import type { BlobRef } from '@omni/contracts';
import type { RawBodyStore } from '../../domain/social-ingest';

/** Keeps each webhook body as received, for audits; identical bodies (redeliveries) are stored once. */
export class BlobRawBodyStore implements RawBodyStore {
  constructor(private readonly blobs: BlobStore) {}

  put(raw: Buffer): Promise<BlobRef> {
    return this.blobs.put(raw, { contentType: 'application/json', filename: 'webhook.json' });
  }
}
