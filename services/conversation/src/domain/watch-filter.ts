import type { ConversationEvent } from '@omni/contracts';

/** Kind names as the REST API and SSE `event:` lines spell them. */
export const WATCH_KINDS = ['opened', 'message_added', 'status_changed', 'assignee_changed', 'merged'] as const;
export type WatchKind = (typeof WATCH_KINDS)[number];

type KindCase = NonNullable<ConversationEvent['kind']>['$case'];

/** Exhaustive: a kind added to ConversationEvent does not compile until it is named here. */
const KIND_OF_CASE: Record<KindCase, WatchKind> = {
  opened: 'opened',
  messageAdded: 'message_added',
  statusChanged: 'status_changed',
  assigneeChanged: 'assignee_changed',
  merged: 'merged',
};

export function isWatchKind(value: string): value is WatchKind {
  return (WATCH_KINDS as readonly string[]).includes(value);
}

export function kindOf(event: ConversationEvent): WatchKind | undefined {
  return event.kind ? KIND_OF_CASE[event.kind.$case] : undefined;
}

/** What a watcher sees: always one tenant's events, optionally narrowed. */
export interface WatchFilter {
  tenantId: string;
  conversationId?: string;
  customerId?: string;
  /** Empty or absent: every kind. */
  kinds?: ReadonlySet<WatchKind>;
}

export function matchesFilter(filter: WatchFilter, event: ConversationEvent): boolean {
  if (event.tenantId !== filter.tenantId) return false;
  if (filter.conversationId && event.conversationId !== filter.conversationId) return false;
  if (filter.customerId && event.customerId !== filter.customerId) return false;
  if (filter.kinds && filter.kinds.size > 0) {
    const kind = kindOf(event);
    if (!kind || !filter.kinds.has(kind)) return false;
  }
  return true;
}
