import type { Collection, Document, Filter, FindOptions } from 'mongodb';

/** A document that belongs to one tenant. */
export interface TenantDocument extends Document {
  _id: string;
  tenantId: string;
}

/**
 * Reads a tenant's document by its `_id`. The filter is the `_id` alone and the
 * tenant is checked on the result, so another tenant's id reads as missing,
 * exactly like an id that does not exist. On MongoDB both forms use the `_id`
 * index; FerretDB v1 (SQLite) answers only a filter that is `_id` alone without
 * decoding every document of the collection (docs/architecture.md).
 */
export async function findOwned<T extends TenantDocument>(
  collection: Collection<T>,
  tenantId: string,
  id: string,
  options?: FindOptions,
): Promise<T | null> {
  const doc = (await collection.findOne({ _id: id } as Filter<T>, withTenantField(options))) as T | null;
  if (!doc || doc.tenantId !== tenantId) return null;
  return doc;
}

/** An inclusion projection must also return `tenantId`, which the check needs. */
function withTenantField(options: FindOptions | undefined): FindOptions | undefined {
  const projection = options?.projection;
  if (!projection) return options;
  const including = Object.entries(projection).some(([field, value]) => field !== '_id' && value === 1);
  const onlyId = Object.keys(projection).every((field) => field === '_id') && projection._id === 1;
  if (!including && !onlyId) return options;
  return { ...options, projection: { ...projection, tenantId: 1 } };
}
