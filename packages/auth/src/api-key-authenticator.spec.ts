import { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@omni/errors';
import type { Store } from '@omni/store';
import { type ApiKeyDocument, hashApiKey, issueApiKey, revokeApiKey } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { bearerToken } from './bearer-token';
import { httpAuthMiddleware, principalOfRequest } from './http-auth.middleware';

/** Just the three collection calls the package makes, over a Map (a unit test of the logic, not of MongoDB). */
function memoryStore() {
  const docs = new Map<string, ApiKeyDocument>();
  let reads = 0;
  const collection = {
    insertOne: async (doc: ApiKeyDocument) => {
      docs.set(doc._id, { ...doc });
    },
    findOne: async (filter: { _id: string }) => {
      reads++;
      return docs.get(filter._id) ?? null;
    },
    updateOne: async (filter: { _id: string }, update: { $set: Partial<ApiKeyDocument> }) => {
      const doc = docs.get(filter._id);
      if (!doc || doc.revokedAt) return { modifiedCount: 0 };
      Object.assign(doc, update.$set);
      return { modifiedCount: 1 };
    },
  };
  const store = { collection: () => collection } as unknown as Pick<Store, 'collection'>;
  return { store, docs, reads: () => reads };
}

describe('issueApiKey', () => {
  it('returns an omni_ key once and stores only its hash', async () => {
    const { store, docs } = memoryStore();
    const { key, keyId } = await issueApiKey(store, { tenantId: 'acme', role: 'admin', name: 'dev' });
    expect(key).toMatch(/^omni_[A-Za-z0-9_-]{43}$/);
    expect(keyId).toBe(hashApiKey(key));
    expect([...docs.keys()]).toEqual([keyId]);
    expect(JSON.stringify([...docs.values()])).not.toContain(key);
  });
});

describe('ApiKeyAuthenticator', () => {
  it('resolves a key to its tenant and role', async () => {
    const { store } = memoryStore();
    const { key, keyId } = await issueApiKey(store, { tenantId: 'acme', role: 'agent', name: 'x' });
    const auth = new ApiKeyAuthenticator(store);
    await expect(auth.authenticate(key)).resolves.toEqual({ tenantId: 'acme', role: 'agent', keyId });
  });

  it('refuses missing, malformed, unknown and revoked keys', async () => {
    const { store } = memoryStore();
    const { key, keyId } = await issueApiKey(store, { tenantId: 'acme', role: 'agent', name: 'x' });
    await revokeApiKey(store, keyId);
    const auth = new ApiKeyAuthenticator(store);
    for (const token of [undefined, '', 'Basic abc', 'omni_unknownunknownunknown', key]) {
      await expect(auth.authenticate(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });

  it('caches accepted keys for the TTL only', async () => {
    const { store, reads } = memoryStore();
    const { key, keyId } = await issueApiKey(store, { tenantId: 'acme', role: 'agent', name: 'x' });
    let now = 0;
    const auth = new ApiKeyAuthenticator(store, { cacheTtlMs: 1_000, now: () => now });
    await auth.authenticate(key);
    await auth.authenticate(key);
    expect(reads()).toBe(1);
    await revokeApiKey(store, keyId);
    now = 1_001;
    await expect(auth.authenticate(key)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('reads the bearer token from gRPC metadata', async () => {
    const { store } = memoryStore();
    const { key } = await issueApiKey(store, { tenantId: 'acme', role: 'integration', name: 'x' });
    const auth = new ApiKeyAuthenticator(store);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${key}`);
    await expect(
      auth.grpcAuthenticate(metadata, '/omni.v1.ConversationService/GetConversation'),
    ).resolves.toMatchObject({
      tenantId: 'acme',
    });
    await expect(auth.grpcAuthenticate(new Metadata(), '/x/y')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('guards express routes through the Authorization header', async () => {
    const { store } = memoryStore();
    const { key } = await issueApiKey(store, { tenantId: 'acme', role: 'agent', name: 'x' });
    const middleware = httpAuthMiddleware(new ApiKeyAuthenticator(store));
    const run = (headers: Record<string, string>) =>
      new Promise<{ req: object; error: unknown }>((resolve) => {
        const req = { headers };
        middleware(req, {}, (error) => resolve({ req, error }));
      });
    const ok = await run({ authorization: `Bearer ${key}` });
    expect(ok.error).toBeUndefined();
    expect(principalOfRequest(ok.req).tenantId).toBe('acme');
    const denied = await run({});
    expect(denied.error).toBeInstanceOf(UnauthenticatedError);
    expect(() => principalOfRequest(denied.req)).toThrow(UnauthenticatedError);
  });
});

describe('bearerToken', () => {
  it('parses the Bearer scheme case-insensitively', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
