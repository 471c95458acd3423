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

const codec = (name: string) =>
  (restCodecs as Record<string, unknown>)[name] as {
    toJSON(value: unknown): unknown;
    toJSONText(value: unknown): string;
  };

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

test('GetConversation JSON is the generated JSON, byte for byte, also when its parts are reused', () => {
  const conversation = Conversation.fromPartial({ id: 'conv_1', version: 1 });
  const values = [
    { conversation, timeline, nextTimelinePageToken: 'next' },
    { conversation: { ...conversation, version: 2 }, timeline, nextTimelinePageToken: '' },
    // The same conversation object with another page or token: the text made before must not be reused.
    { conversation, timeline: timeline.slice(1), nextTimelinePageToken: 'next' },
    { conversation, timeline, nextTimelinePageToken: 'later' },
    { conversation, timeline, nextTimelinePageToken: 'next' },
    GetConversationResponse.fromPartial({}),
  ];
  for (const value of values) {
    const generated = JSON.stringify(GetConversationResponse.toJSON(value));
    expect(JSON.stringify(codec('GetConversationResponse').toJSON(value))).toBe(generated);
    expect(codec('GetConversationResponse').toJSONText(value)).toBe(generated);
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
