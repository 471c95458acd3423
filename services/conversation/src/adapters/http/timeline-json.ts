import * as contracts from '@omni/contracts';
import { GetConversationResponse, ListTimelineResponse, type TimelineEntry } from '@omni/contracts';

type Entries = readonly TimelineEntry[];

/** JSON of each entries array, made once: a cached first page is the same array for every caller. */
const entriesJson = new WeakMap<Entries, unknown[]>();

function timelineJson(entries: Entries): unknown[] {
  let json = entriesJson.get(entries);
  if (!json) {
    json = entries.map((entry) => contracts.TimelineEntry.toJSON(entry));
    entriesJson.set(entries, json);
  }
  return json;
}

/** JSON of each conversation object: an unchanged conversation is the same object for every caller. */
const conversationsJson = new WeakMap<contracts.Conversation, unknown>();

function conversationJson(conversation: contracts.Conversation): unknown {
  let json = conversationsJson.get(conversation);
  if (json === undefined) {
    json = contracts.Conversation.toJSON(conversation);
    conversationsJson.set(conversation, json);
  }
  return json;
}

/** JSON text per conversation object, for the entries and token it was last sent with. */
const responseTexts = new WeakMap<contracts.Conversation, { entries: Entries; token: string; text: string }>();

/** The generated JSON, with the conversation's and the timeline's parts reused; the same fields in the same order. */
const getConversationJson = {
  fromJSON: GetConversationResponse.fromJSON,
  toJSON(message: GetConversationResponse): unknown {
    return {
      ...(message.conversation !== undefined && { conversation: conversationJson(message.conversation) }),
      ...(message.timeline.length > 0 && { timeline: timelineJson(message.timeline) }),
      ...(message.nextTimelinePageToken !== '' && { nextTimelinePageToken: message.nextTimelinePageToken }),
    };
  },
  /** An unchanged conversation with its cached first page: the same objects, so the same text as last time. */
  toJSONText(message: GetConversationResponse): string {
    const { conversation, timeline, nextTimelinePageToken: token } = message;
    const last = conversation && responseTexts.get(conversation);
    if (last && last.entries === timeline && last.token === token) return last.text;
    const text = JSON.stringify(getConversationJson.toJSON(message));
    if (conversation) responseTexts.set(conversation, { entries: timeline, token, text });
    return text;
  },
};

const listTimelineJson = {
  fromJSON: ListTimelineResponse.fromJSON,
  toJSON(message: ListTimelineResponse): unknown {
    return {
      ...(message.entries.length > 0 && { entries: timelineJson(message.entries) }),
      ...(message.nextPageToken !== '' && { nextPageToken: message.nextPageToken }),
    };
  },
};

/** The contracts' JSON codecs, with the two responses that carry a first timeline page reusing its JSON. */
export const restCodecs: object = {
  ...contracts,
  GetConversationResponse: getConversationJson,
  ListTimelineResponse: listTimelineJson,
};
