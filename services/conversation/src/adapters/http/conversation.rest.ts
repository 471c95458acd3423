import { operationRoutes, type RestRoute } from '@omni/rest';
import type { ConversationApi } from '../../application/conversation-api';
import { restCodecs } from './timeline-json';

const ITEM = '/v1/conversations/:conversationId';

/** REST under /v1: the ConversationService operations as JSON, one route each. */
export function conversationRoutes(api: ConversationApi): RestRoute[] {
  return operationRoutes(api, { protoPackage: 'omni.v1', codecs: restCodecs, tag: 'Conversations' }, [
    {
      method: 'get',
      path: '/v1/conversations',
      operation: 'listConversations',
      summary: 'List conversations (filter, sort, cursor)',
    },
    {
      method: 'get',
      path: ITEM,
      operation: 'getConversation',
      summary: 'Get a conversation, with the first page of its timeline when timelinePageSize is set',
    },
    {
      method: 'get',
      path: `${ITEM}/timeline`,
      operation: 'listTimeline',
      summary: 'Messages of every channel, notes and system events, in order',
    },
    { method: 'get', path: `${ITEM}/messages`, operation: 'listMessages', summary: 'Messages only, in order' },
    {
      method: 'post',
      path: `${ITEM}/replies`,
      operation: 'sendReply',
      summary: 'Reply to the customer, by default on their last inbound channel',
      successStatus: 201,
    },
    {
      method: 'post',
      path: `${ITEM}/notes`,
      operation: 'addNote',
      summary: 'Add an internal note (never sent to the customer)',
      successStatus: 201,
    },
    {
      method: 'put',
      path: `${ITEM}/status`,
      operation: 'setStatus',
      summary: 'Set the status: open, pending, snoozed (until a time) or resolved',
    },
    { method: 'put', path: `${ITEM}/priority`, operation: 'setPriority', summary: 'Set the priority (0 to 10)' },
    { method: 'post', path: `${ITEM}/tags`, operation: 'updateTags', summary: 'Add and remove tags' },
  ]);
}

/** The Server-Sent Events stream (served by events.sse.ts), described for the OpenAPI document. */
export const EVENTS_PATH = {
  get: {
    operationId: 'watchEvents',
    summary: 'Follow conversation events live (Server-Sent Events), resumable with Last-Event-ID',
    tags: ['Conversations'],
    description:
      'Roles: agent, admin, integration. Same stream as gRPC WatchEvents. Each event: `id:` (an opaque position), ' +
      '`event:` (its kind), `data:` (omni.v1.ConversationEvent as JSON). An `id:` without data is a checkpoint. ' +
      '`event: reset` means the position is too old: re-read state. `event: closing` means reconnect from the last id.',
    parameters: [
      { name: 'conversation_id', in: 'query', schema: { type: 'string' } },
      { name: 'customer_id', in: 'query', schema: { type: 'string' } },
      {
        name: 'kinds',
        in: 'query',
        description: 'Comma-separated: opened, message_added, status_changed, assignee_changed, merged',
        schema: { type: 'string' },
      },
      { name: 'last_event_id', in: 'query', schema: { type: 'string' } },
      { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } },
    ],
    responses: {
      '200': { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      '400': { description: 'Unknown parameter, bad kinds or position' },
      '401': { description: 'Missing or invalid API key' },
      '429': { description: 'Too many open streams for the tenant; see Retry-After' },
    },
  },
};
