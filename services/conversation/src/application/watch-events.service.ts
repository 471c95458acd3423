import { type Principal, requireRole } from '@omni/auth';
import { NotFoundError } from '@omni/errors';
import type { WatchKind } from '../domain/watch-filter';
import { decodePosition } from '../domain/watch-position';
import type { WatchHub, WatchSubscription } from './watch-hub';

/** Existence checks within a tenant, so a filter naming another tenant's id answers as a missing one. */
export interface WatchTargets {
  conversationExists(tenantId: string, id: string): Promise<boolean>;
  customerExists(tenantId: string, id: string): Promise<boolean>;
}

export interface WatchRequest {
  conversationId: string;
  customerId: string;
  kinds: readonly WatchKind[];
  /** A position token, or '' for live events only. */
  resumeAfter: string;
}

/** Every role may follow its own tenant's events. */
const WATCH_ROLES = ['agent', 'admin', 'integration'] as const;

/** Opens watch streams for the gRPC and SSE adapters alike; the tenant always comes from the caller's key. */
export class WatchEventsService {
  constructor(
    private readonly hub: WatchHub,
    private readonly targets: WatchTargets,
  ) {}

  /** `resumeField` names the token's source in errors (resume_after, Last-Event-ID). */
  async open(principal: Principal, request: WatchRequest, resumeField: string): Promise<WatchSubscription> {
    requireRole(principal, WATCH_ROLES);
    const { tenantId } = principal;
    const resumeAfter = request.resumeAfter ? decodePosition(request.resumeAfter, resumeField) : undefined;
    if (request.conversationId && !(await this.targets.conversationExists(tenantId, request.conversationId))) {
      throw new NotFoundError(`conversation ${request.conversationId} not found`);
    }
    if (request.customerId && !(await this.targets.customerExists(tenantId, request.customerId))) {
      throw new NotFoundError(`customer ${request.customerId} not found`);
    }
    return this.hub.subscribe(
      {
        tenantId,
        ...(request.conversationId && { conversationId: request.conversationId }),
        ...(request.customerId && { customerId: request.customerId }),
        ...(request.kinds.length > 0 && { kinds: new Set(request.kinds) }),
      },
      resumeAfter,
    );
  }
}
