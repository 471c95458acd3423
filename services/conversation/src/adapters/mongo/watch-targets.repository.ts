import { findOwned, type Store } from '@omni/store';
import type { WatchTargets } from '../../application/watch-events.service';
import { Collections } from './documents';

const ID_ONLY = { projection: { _id: 1 } } as const;

/** `_id`-keyed existence checks (fast on FerretDB too), scoped by tenant. */
export class WatchTargetsRepository implements WatchTargets {
  constructor(private readonly store: Store) {}

  conversationExists(tenantId: string, id: string): Promise<boolean> {
    return this.exists(Collections.conversations, tenantId, id);
  }

  customerExists(tenantId: string, id: string): Promise<boolean> {
    return this.exists(Collections.customers, tenantId, id);
  }

  private async exists(collection: string, tenantId: string, id: string): Promise<boolean> {
    const found = await findOwned(
      this.store.collection<{ _id: string; tenantId: string }>(collection),
      tenantId,
      id,
      ID_ONLY,
    );
    return found !== null;
  }
}
