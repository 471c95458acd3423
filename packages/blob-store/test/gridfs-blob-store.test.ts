import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createTestScope } from '@omni/testing';
import { MongoClient } from 'mongodb';
import { BlobNotFoundError, BlobTooLargeError, GridFsBlobStore } from '../src';

const scope = createTestScope('blob-store');
let client: MongoClient;
let store: GridFsBlobStore;
const cleanupErrors: unknown[] = [];

/** Emits the content in small chunks, as a socket would. */
function chunked(content: Buffer, size = 1000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < content.length; i += size) parts.push(content.subarray(i, i + size));
  return Readable.from(parts);
}

beforeAll(async () => {
  client = await MongoClient.connect(scope.mongoUri);
  store = new GridFsBlobStore({
    db: client.db(`${scope.dbName}_blobs`),
    maxBytes: 2 * 1024 * 1024,
    onCleanupError: (error) => cleanupErrors.push(error),
  });
});

afterAll(async () => {
  await client.db(`${scope.dbName}_blobs`).dropDatabase();
  await client.close();
});

afterEach(() => expect(cleanupErrors).toEqual([]));

test('stores a stream under its sha256 and reads the same bytes back', async () => {
  const content = randomBytes(600 * 1024); // several GridFS chunks
  const sha = createHash('sha256').update(content).digest('hex');

  const ref = await store.put(chunked(content), { contentType: 'application/octet-stream', filename: 'a.bin' });

  expect(ref).toEqual({
    blobId: `sha256:${sha}`,
    sha256: sha,
    size: content.length,
    contentType: 'application/octet-stream',
  });
  expect(await buffer(await store.open(ref.blobId))).toEqual(content);
});

test('identical content is stored once, from a stream or a buffer', async () => {
  const db = client.db(`${scope.dbName}_blobs`);
  for (const content of [Buffer.from(`same bytes ${randomBytes(8).toString('hex')}`), randomBytes(400 * 1024)]) {
    const first = await store.put(chunked(content, 3000), { contentType: 'text/plain' });
    const second = await store.put(content, { contentType: 'text/plain', filename: 'other-name.txt' });
    const third = await store.put(chunked(content, 5000), { contentType: 'text/plain' });

    expect(second.blobId).toBe(first.blobId);
    expect(third.blobId).toBe(first.blobId);
    expect(await store.copies(first.blobId)).toBe(1);
    expect(await db.collection('blobs.refs').countDocuments({ _id: first.blobId as unknown as never })).toBe(1);
    expect(await buffer(await store.open(first.blobId))).toEqual(content);
  }
  // The large one once in GridFS; the small one in no GridFS file at all.
  expect(await db.collection('blobs.files').countDocuments({ length: 400 * 1024 })).toBe(1);
});

test('content up to one GridFS chunk is kept in its ref, larger content in GridFS', async () => {
  const db = client.db(`${scope.dbName}_blobs`);
  const filesBefore = await db.collection('blobs.files').countDocuments();
  const limit = 255 * 1024;
  const small = [randomBytes(limit), randomBytes(10)];
  for (const content of small) {
    const fromStream = await store.put(chunked(content, 64 * 1024), { contentType: 'message/rfc822' });
    const ref = await db.collection('blobs.refs').findOne({ _id: fromStream.blobId as unknown as never });
    expect(ref?.fileId).toBeUndefined();
    expect(ref?.data?.buffer.length).toBe(content.length);
    expect(await buffer(await store.open(fromStream.blobId))).toEqual(content);
  }
  const fromBuffer = await store.put(randomBytes(1000), { contentType: 'application/json' });
  expect(fromBuffer.size).toBe(1000);
  expect(await db.collection('blobs.files').countDocuments()).toBe(filesBefore);

  // One byte more: GridFS, and the bytes read back whole, the head read before the choice included.
  const large = randomBytes(limit + 1);
  const stored = await store.put(chunked(large, 1000), { contentType: 'message/rfc822' });
  expect(await db.collection('blobs.files').countDocuments()).toBe(filesBefore + 1);
  expect(stored.size).toBe(limit + 1);
  expect(await buffer(await store.open(stored.blobId))).toEqual(large);
});

test('a stream that fails after the head was read stores nothing', async () => {
  const db = client.db(`${scope.dbName}_blobs`);
  const refsBefore = await db.collection('blobs.refs').countDocuments();
  const chunksBefore = await db.collection('blobs.chunks').countDocuments();
  async function* failing() {
    yield randomBytes(300 * 1024);
    throw new Error('connection reset');
  }
  await expect(store.put(Readable.from(failing()), { contentType: 'x/y' })).rejects.toThrow('connection reset');
  expect(await db.collection('blobs.refs').countDocuments()).toBe(refsBefore);
  expect(await db.collection('blobs.chunks').countDocuments()).toBe(chunksBefore);
});

test('two concurrent uploads of the same bytes leave one copy', async () => {
  const content = randomBytes(300 * 1024);
  const refs = await Promise.all(
    Array.from({ length: 5 }, () => store.put(chunked(content, 4096), { contentType: 'application/octet-stream' })),
  );

  expect(new Set(refs.map((r) => r.blobId)).size).toBe(1);
  const db = client.db(`${scope.dbName}_blobs`);
  expect(await db.collection('blobs.files').countDocuments({ length: content.length })).toBe(1);
  const ref = await db.collection('blobs.refs').findOne({ _id: refs[0]?.blobId as unknown as never });
  const chunks = await db.collection('blobs.chunks').countDocuments({ files_id: ref?.fileId });
  expect(chunks).toBe(Math.ceil(content.length / (255 * 1024)));
  expect(await buffer(await store.open(refs[0]?.blobId ?? ''))).toEqual(content);
});

test('content above the cap is refused and nothing of it stays', async () => {
  const db = client.db(`${scope.dbName}_blobs`);
  const chunksBefore = await db.collection('blobs.chunks').countDocuments();
  const filesBefore = await db.collection('blobs.files').countDocuments();

  await expect(
    store.put(chunked(randomBytes(3 * 1024 * 1024), 64 * 1024), { contentType: 'x/y' }),
  ).rejects.toBeInstanceOf(BlobTooLargeError);
  await expect(store.put(randomBytes(3 * 1024 * 1024), { contentType: 'x/y' })).rejects.toBeInstanceOf(
    BlobTooLargeError,
  );

  expect(await db.collection('blobs.chunks').countDocuments()).toBe(chunksBefore);
  expect(await db.collection('blobs.files').countDocuments()).toBe(filesBefore);
});

test('an unknown blob id is reported as not found', async () => {
  await expect(store.open(`sha256:${'0'.repeat(64)}`)).rejects.toBeInstanceOf(BlobNotFoundError);
});

test('a store is ready while the database answers', async () => {
  await expect(store.checkReady()).resolves.toBeUndefined();
});
