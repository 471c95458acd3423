export {
  API_KEY_ROLES,
  API_KEYS_COLLECTION,
  type ApiKeyDocument,
  type ApiKeyRole,
  generateApiKey,
  hashApiKey,
  type IssueApiKeyInput,
  isApiKeyRole,
  issueApiKey,
  type Principal,
  revokeApiKey,
} from './api-key';
export { ApiKeyAuthenticator, type ApiKeyAuthenticatorOptions } from './api-key-authenticator';
export { type ApiOperation, apiOperation } from './api-operation';
export { bearerToken } from './bearer-token';
export { type HttpRequestLike, httpAuthMiddleware, principalOfRequest } from './http-auth.middleware';
export { asPrincipal, requireRole } from './principal';
export { KeyRateLimiter, type RateLimit } from './rate-limiter';
