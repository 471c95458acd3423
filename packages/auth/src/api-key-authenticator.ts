import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@omni/errors';
import type { Store } from '@omni/store';
import {
  API_KEYS_COLLECTION,
  type ApiKeyDocument,
  hashApiKey,
  isApiKeyRole,
  looksLikeApiKey,
  type Principal,
} from './api-key';
import { bearerToken } from './bearer-token';
import { KeyRateLimiter, type RateLimit } from './rate-limiter';

export interface ApiKeyAuthenticatorOptions {
  /** How long a resolved key is trusted without asking the database; bounds how late a revocation bites. */
  cacheTtlMs?: number;
  maxCacheEntries?: number;
  /** Per-key call rate; every authenticated call (gRPC or HTTP) takes one token. Unlimited when absent. */
  rateLimit?: RateLimit;
  now?: () => number;
}

/**
 * Resolves bearer API keys to principals. Known keys are cached briefly so a
 * busy frontend does not cost one database read per call; unknown keys are not
 * cached, so a freshly issued key works at once.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly limiter: KeyRateLimiter | undefined;

  constructor(
    private readonly store: Pick<Store, 'collection'>,
    options: ApiKeyAuthenticatorOptions = {},
  ) {
    this.ttlMs = options.cacheTtlMs ?? 30_000;
    this.maxEntries = options.maxCacheEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.limiter = options.rateLimit && new KeyRateLimiter(options.rateLimit, this.now);
  }

  /** The principal of a bearer token; UnauthenticatedError when missing, unknown or revoked. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new UnauthenticatedError('missing API key');
    if (!looksLikeApiKey(token)) throw new UnauthenticatedError('invalid API key');
    const keyId = hashApiKey(token);
    const cached = this.cache.get(keyId);
    if (cached && cached.expiresAt > this.now()) {
      this.limiter?.take(keyId);
      return cached.principal;
    }
    this.cache.delete(keyId);

    const doc = await this.store.collection<ApiKeyDocument>(API_KEYS_COLLECTION).findOne({ _id: keyId });
    if (!doc || doc.revokedAt || !isApiKeyRole(doc.role)) throw new UnauthenticatedError('invalid API key');
    const principal: Principal = { tenantId: doc.tenantId, role: doc.role, keyId };
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(keyId, { principal, expiresAt: this.now() + this.ttlMs });
    this.limiter?.take(keyId);
    return principal;
  }

  /** For @omni/grpc's authInterceptor: reads `authorization: Bearer <key>` from the call metadata. */
  readonly grpcAuthenticate = async (metadata: Metadata, _methodPath: string): Promise<Principal> => {
    const values = metadata.get('authorization');
    if (values.length > 1) throw new UnauthenticatedError('more than one authorization header');
    const header = values[0];
    return this.authenticate(bearerToken(typeof header === 'string' ? header : header?.toString('utf8')));
  };
}
