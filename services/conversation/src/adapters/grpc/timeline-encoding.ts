import {
  type Conversation,
  ConversationServiceService,
  GetConversationResponse,
  ListTimelineResponse,
  type TimelineEntry,
} from '@omni/contracts';
import type { TimelinePage } from '../../application/conversation-api';

type Entries = readonly TimelineEntry[];

/**
 * Encodes a field once per object: a cached first page is the same entries
 * array for every caller, and an unchanged conversation the same object, so
 * their protobuf bytes are reused. The bytes equal the generated encoder's
 * (fields in number order).
 */
function memoized<T extends object>(encode: (value: T) => Uint8Array): (value: T) => Uint8Array {
  const memo = new WeakMap<T, Uint8Array>();
  return (value) => {
    let bytes = memo.get(value);
    if (!bytes) {
      bytes = encode(value);
      memo.set(value, bytes);
    }
    return bytes;
  };
}

const EMPTY_GET = { conversation: undefined, timeline: [], nextTimelinePageToken: '' };
const timelineField = memoized((timeline: Entries) =>
  GetConversationResponse.encode({ ...EMPTY_GET, timeline: timeline as TimelineEntry[] }).finish(),
);
const entriesField = memoized((entries: Entries) =>
  ListTimelineResponse.encode({ entries: entries as TimelineEntry[], nextPageToken: '' }).finish(),
);

/**
 * Measured with 20-message pages (bench/src/read.bench.ts' conversation): the entries as
 * objects take 2.8 times their protobuf size on the heap, the reused protobuf bytes 1 more,
 * the reused JSON (once REST served the page) 1.1 more.
 */
const MEMORY_PER_PROTOBUF_BYTE = 5;

/** What a cached page costs in memory, estimated from its protobuf size; encodes it for the first caller too. */
export function cachedPageMemory(page: TimelinePage): number {
  return MEMORY_PER_PROTOBUF_BYTE * (timelineField(page.entries).length + page.nextPageToken.length);
}

/** The conversation too: an unchanged one is the same object for every caller (conversation-api.ts). */
const conversationField = memoized((conversation: Conversation) =>
  GetConversationResponse.encode({ ...EMPTY_GET, conversation }).finish(),
);

/** The whole response per conversation object, for the entries and token it was last sent with. */
const responses = new WeakMap<Conversation, { entries: Entries; token: string; bytes: Buffer }>();

export function encodeGetConversationResponse(response: GetConversationResponse): Buffer {
  const { conversation, timeline, nextTimelinePageToken: token } = response;
  const last = conversation && responses.get(conversation);
  if (last && last.entries === timeline && last.token === token) return last.bytes;
  const bytes = encodeGetConversationParts(response);
  if (conversation) responses.set(conversation, { entries: timeline, token, bytes });
  return bytes;
}

function encodeGetConversationParts(response: GetConversationResponse): Buffer {
  return Buffer.concat([
    response.conversation ? conversationField(response.conversation) : new Uint8Array(),
    timelineField(response.timeline),
    GetConversationResponse.encode({ ...EMPTY_GET, nextTimelinePageToken: response.nextTimelinePageToken }).finish(),
  ]);
}

export function encodeListTimelineResponse(response: ListTimelineResponse): Buffer {
  return Buffer.concat([
    entriesField(response.entries),
    ListTimelineResponse.encode({ entries: [], nextPageToken: response.nextPageToken }).finish(),
  ]);
}

/** ConversationService with the timeline-reusing encoders for the two calls that return a first page. */
export const conversationServiceDefinition: typeof ConversationServiceService = {
  ...ConversationServiceService,
  getConversation: { ...ConversationServiceService.getConversation, responseSerialize: encodeGetConversationResponse },
  listTimeline: { ...ConversationServiceService.listTimeline, responseSerialize: encodeListTimelineResponse },
};
