import {
  Channel,
  Conversation,
  GetConversationResponse,
  ListTimelineResponse,
  Message,
  type TimelineEntry,
} from '@omni/contracts';
import { encodeGetConversationResponse, encodeListTimelineResponse } from './timeline-encoding';

const timeline: TimelineEntry[] = [1, 2].map((i) => ({
  id: `msg_${i}`,
  at: new Date(1_700_000_000_000 + i * 1000),
  entry: {
    $case: 'message',
    value: Message.fromPartial({ id: `msg_${i}`, text: `Message ${i}`, channel: Channel.CHANNEL_EMAIL }),
  },
}));

test('encodes GetConversation exactly as the generated encoder, also when the timeline bytes are reused', () => {
  const response = GetConversationResponse.fromPartial({
    conversation: Conversation.fromPartial({ id: 'conv_1', subject: 'Order', version: 3 }),
    nextTimelinePageToken: 'next',
  });
  const first = { ...response, timeline };
  const later = { ...response, conversation: { ...response.conversation, version: 4 } as Conversation, timeline };
  // The same conversation object with another page or token must not get the bytes made before.
  const otherPage = { ...response, conversation: first.conversation, timeline: timeline.slice(1) };
  const otherToken = { ...first, nextTimelinePageToken: 'later' };
  for (const value of [first, later, first, otherPage, otherToken, first]) {
    expect(encodeGetConversationResponse(value)).toEqual(Buffer.from(GetConversationResponse.encode(value).finish()));
  }
  expect(GetConversationResponse.decode(encodeGetConversationResponse(later))).toEqual(later);
  const empty = GetConversationResponse.fromPartial({});
  expect(encodeGetConversationResponse(empty)).toEqual(Buffer.from(GetConversationResponse.encode(empty).finish()));
});

test('encodes ListTimeline exactly as the generated encoder', () => {
  for (const value of [
    { entries: timeline, nextPageToken: 'next' },
    { entries: timeline, nextPageToken: '' },
  ]) {
    expect(encodeListTimelineResponse(value)).toEqual(Buffer.from(ListTimelineResponse.encode(value).finish()));
  }
});
