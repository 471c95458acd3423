export { type BackoffSettings, backoffDelay, sleep } from './backoff';
