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

/** The generated JSON, with the timeline's part reused; the same fields in the same order. */
const getConversationJson = {
  fromJSON: GetConversationResponse.fromJSON,
  toJSON(message: GetConversationResponse): unknown {
    const { conversation, nextTimelinePageToken } = GetConversationResponse.toJSON({ ...message, timeline: [] }) as {
      conversation?: unknown;
      nextTimelinePageToken?: string;
    };
    return {
      ...(conversation !== undefined && { conversation }),
      ...(message.timeline.length > 0 && { timeline: timelineJson(message.timeline) }),
      ...(nextTimelinePageToken !== undefined && { nextTimelinePageToken }),
    };
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
