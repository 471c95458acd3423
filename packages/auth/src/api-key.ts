import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '@omni/store';

export const API_KEY_ROLES = ['agent', 'admin', 'integration'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Who is calling: resolved from an API key, the only source of the tenant for every API call. */
export interface Principal {
  tenantId: string;
  role: ApiKeyRole;
  /** The key's hash (its document id), safe to log; never the key itself. */
  keyId: string;
}

/** Stored form of a key: only its sha256 is kept, so a database leak reveals no usable key. */
export interface ApiKeyDocument {
  _id: string;
  tenantId: string;
  role: ApiKeyRole;
  name: string;
  createdAt: Date;
  revokedAt?: Date;
}

export const API_KEYS_COLLECTION = 'api_keys';
const KEY_PREFIX = 'omni_';

export function isApiKeyRole(value: string): value is ApiKeyRole {
  return (API_KEY_ROLES as readonly string[]).includes(value);
}

/** The document id of a key: hex sha256 of the whole plaintext key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** 32 random bytes: guessing is hopeless, so a plain hash (no salt, no KDF) is enough for lookup. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Cheap shape check before touching the database. */
export function looksLikeApiKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX) && key.length > KEY_PREFIX.length + 16 && key.length < 200;
}

export interface IssueApiKeyInput {
  tenantId: string;
  role: ApiKeyRole;
  name: string;
}

/** Stores a new key's hash and returns the plaintext key: the only time it is ever seen. */
export async function issueApiKey(
  store: Pick<Store, 'collection'>,
  input: IssueApiKeyInput,
): Promise<{ key: string; keyId: string }> {
  if (!input.tenantId.trim()) throw new Error('tenantId is required');
  if (!isApiKeyRole(input.role)) throw new Error(`role must be one of ${API_KEY_ROLES.join(', ')}`);
  const key = generateApiKey();
  const keyId = hashApiKey(key);
  await store.collection<ApiKeyDocument>(API_KEYS_COLLECTION).insertOne({
    _id: keyId,
    tenantId: input.tenantId,
    role: input.role,
    name: input.name,
    createdAt: new Date(),
  });
  return { key, keyId };
}

/** Marks a key revoked; authenticators stop accepting it once their cache entry expires. */
export async function revokeApiKey(store: Pick<Store, 'collection'>, keyId: string): Promise<boolean> {
  const result = await store
    .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
    .updateOne({ _id: keyId, revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } });
  return result.modifiedCount === 1;
}
