import {
  Channel,
  Conversation,
  GetConversationResponse,
  ListTimelineResponse,
  Message,
  Note,
  type TimelineEntry,
} from '@omni/contracts';
import { restCodecs } from './timeline-json';

const codec = (name: string) => (restCodecs as Record<string, unknown>)[name] as { toJSON(value: unknown): unknown };

const timeline: TimelineEntry[] = [
  {
    id: 'msg_1',
    at: new Date(1_700_000_000_000),
    entry: {
      $case: 'message',
      value: Message.fromPartial({ id: 'msg_1', text: 'Hi', channel: Channel.CHANNEL_EMAIL }),
    },
  },
  { id: 'note_1', at: new Date(1_700_000_001_000), entry: { $case: 'note', value: Note.fromPartial({ text: 'VIP' }) } },
];

test('GetConversation JSON is the generated JSON, byte for byte, also when the timeline part is reused', () => {
  const conversation = Conversation.fromPartial({ id: 'conv_1', version: 1 });
  for (const value of [
    { conversation, timeline, nextTimelinePageToken: 'next' },
    { conversation: { ...conversation, version: 2 }, timeline, nextTimelinePageToken: '' },
    GetConversationResponse.fromPartial({}),
  ]) {
    expect(JSON.stringify(codec('GetConversationResponse').toJSON(value))).toBe(
      JSON.stringify(GetConversationResponse.toJSON(value)),
    );
  }
});

test('ListTimeline JSON is the generated JSON', () => {
  for (const value of [
    { entries: timeline, nextPageToken: 'next' },
    { entries: [], nextPageToken: '' },
  ]) {
    expect(JSON.stringify(codec('ListTimelineResponse').toJSON(value))).toBe(
      JSON.stringify(ListTimelineResponse.toJSON(value)),
    );
  }
});
