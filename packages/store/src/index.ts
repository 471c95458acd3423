export { type ConditionalUpdateResult, updateWhere } from './conditional-update';
export { type IndexPlan, Store, type StoreSettings } from './store';
export { isDuplicateKeyError, isTransientStoreError, withStoreRetry } from './store-errors';
export { findOwned, type TenantDocument } from './tenant-read';
