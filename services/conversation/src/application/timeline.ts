import type { ActivityRepository } from '../adapters/mongo/activity.repository';
import type { ActivityDocument, MessageDocument } from '../adapters/mongo/documents';
import type { MessageRepository } from '../adapters/mongo/message.repository';
import { decodePageToken, encodePageToken, pageSize } from '../domain/page-token';
import type { Page } from './conversation-queries';

export type TimelineItem =
  | { kind: 'message'; message: MessageDocument }
  | { kind: 'activity'; activity: ActivityDocument };

interface Position {
  at: Date;
  recordedAt: Date;
  id: string;
}

function positionOf(item: TimelineItem): Position {
  if (item.kind === 'message') {
    const { sentAt, receivedAt, _id } = item.message;
    return { at: sentAt, recordedAt: receivedAt, id: _id };
  }
  const { at, recordedAt, _id } = item.activity;
  return { at, recordedAt, id: _id };
}

function compare(a: Position, b: Position): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    a.recordedAt.getTime() - b.recordedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * A conversation's timeline: messages of every channel in the order the
 * customer sent them (the channel's timestamp, ties broken by arrival), with
 * notes and system events interleaved. Both sources are read in that order from
 * the cursor on and merged, so a page costs two indexed range reads.
 */
export async function listTimeline(
  messages: MessageRepository,
  activities: ActivityRepository,
  tenantId: string,
  conversationId: string,
  requestedSize: number,
  pageToken: string,
): Promise<Page<TimelineItem>> {
  const limit = pageSize(requestedSize);
  const cursor = decodePageToken(pageToken, 'timeline', 3);
  const after = cursor && {
    at: new Date(Number(cursor[0])),
    recordedAt: new Date(Number(cursor[1])),
    id: String(cursor[2]),
  };
  const [messagePage, activityPage] = await Promise.all([
    messages.list(
      tenantId,
      conversationId,
      after && { sentAt: after.at, receivedAt: after.recordedAt, id: after.id },
      limit + 1,
    ),
    activities.list(tenantId, conversationId, after, limit + 1),
  ]);
  const merged: TimelineItem[] = [
    ...messagePage.map((message): TimelineItem => ({ kind: 'message', message })),
    ...activityPage.map((activity): TimelineItem => ({ kind: 'activity', activity })),
  ].sort((a, b) => compare(positionOf(a), positionOf(b)));
  const items = merged.slice(0, limit);
  const last = items[items.length - 1];
  if (merged.length <= limit || !last) return { items, nextPageToken: '' };
  const end = positionOf(last);
  return {
    items,
    nextPageToken: encodePageToken({ kind: 'timeline', values: [end.at.getTime(), end.recordedAt.getTime(), end.id] }),
  };
}
