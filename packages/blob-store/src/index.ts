export {
  type BlobMeta,
  BlobNotFoundError,
  type BlobStore,
  BlobTooLargeError,
  isBlobNotFoundError,
  isBlobTooLargeError,
} from './blob-store';
export { GridFsBlobStore, type GridFsBlobStoreSettings } from './gridfs-blob-store';
