import { type ApiKeyRole, apiOperation as operation, type Principal } from '@omni/auth';
import type {
  AddNoteRequest,
  AddNoteResponse,
  GetConversationRequest,
  GetConversationResponse,
  ListConversationsRequest,
  ListConversationsResponse,
  ListMessagesRequest,
  ListMessagesResponse,
  ListTimelineRequest,
  ListTimelineResponse,
  SendReplyRequest,
  SendReplyResponse,
  SetPriorityRequest,
  SetPriorityResponse,
  SetStatusRequest,
  SetStatusResponse,
  UpdateTagsRequest,
  UpdateTagsResponse,
} from '@omni/contracts';
import { toConversation, toMessage, toNote, toTimelineEntry } from '../adapters/grpc/proto-mapping';
import type { ActivityRepository } from '../adapters/mongo/activity.repository';
import type { MessageRepository } from '../adapters/mongo/message.repository';
import type { ConversationCommands } from './conversation-commands';
import type { ConversationQueries } from './conversation-queries';
import type { ReplyService } from './reply.service';
import { listTimeline } from './timeline';

const READERS: readonly ApiKeyRole[] = ['agent', 'admin', 'integration'];
/** Replies, notes and conversation state are agents' work (and admins'); integrations assert identities instead. */
const AGENTS: readonly ApiKeyRole[] = ['agent', 'admin'];

export interface ConversationApiDependencies {
  queries: ConversationQueries;
  replies: ReplyService;
  commands: ConversationCommands;
  messages: MessageRepository;
  activities: ActivityRepository;
}

/** An author left empty is the calling key, so every reply and note names who wrote it. */
function authored<T extends { authorId: string }>(principal: Principal, request: T): T {
  return request.authorId ? request : { ...request, authorId: `key:${principal.keyId.slice(0, 12)}` };
}

/** The ConversationService operations, each checked against the caller's role and scoped to its tenant. */
export function conversationApi(deps: ConversationApiDependencies) {
  const { queries, replies, commands, messages, activities } = deps;
  const timeline = (tenantId: string, conversationId: string, pageSize: number, pageToken: string) =>
    listTimeline(messages, activities, tenantId, conversationId, pageSize, pageToken);

  return {
    getConversation: operation<GetConversationRequest, GetConversationResponse>(READERS, async ({ tenantId }, req) => {
      const conversation = await queries.getConversation(tenantId, req.conversationId);
      if (req.timelinePageSize <= 0) {
        return { conversation: toConversation(conversation), timeline: [], nextTimelinePageToken: '' };
      }
      const page = await timeline(tenantId, conversation._id, req.timelinePageSize, '');
      return {
        conversation: toConversation(conversation),
        timeline: page.items.map(toTimelineEntry),
        nextTimelinePageToken: page.nextPageToken,
      };
    }),
    listConversations: operation<ListConversationsRequest, ListConversationsResponse>(
      READERS,
      async ({ tenantId }, req) => {
        const page = await queries.listConversations(tenantId, {
          customerId: req.customerId,
          status: req.status,
          pageSize: req.pageSize,
          pageToken: req.pageToken,
          assigneeId: req.assigneeId,
          teamId: req.teamId,
          channel: req.channel,
          minPriority: req.minPriority,
          updatedSince: req.updatedSince,
          orderBy: req.orderBy,
          ...(req.customerIdentity && { customerIdentity: req.customerIdentity }),
        });
        return { conversations: page.items.map(toConversation), nextPageToken: page.nextPageToken };
      },
    ),
    listMessages: operation<ListMessagesRequest, ListMessagesResponse>(READERS, async ({ tenantId }, req) => {
      const page = await queries.listMessages(tenantId, req.conversationId, req.pageSize, req.pageToken);
      return { messages: page.items.map(toMessage), nextPageToken: page.nextPageToken };
    }),
    listTimeline: operation<ListTimelineRequest, ListTimelineResponse>(READERS, async ({ tenantId }, req) => {
      await queries.getConversation(tenantId, req.conversationId);
      const page = await timeline(tenantId, req.conversationId, req.pageSize, req.pageToken);
      return { entries: page.items.map(toTimelineEntry), nextPageToken: page.nextPageToken };
    }),
    sendReply: operation<SendReplyRequest, SendReplyResponse>(AGENTS, async (principal, req) => ({
      message: toMessage(await replies.sendReply(principal.tenantId, authored(principal, req))),
    })),
    addNote: operation<AddNoteRequest, AddNoteResponse>(AGENTS, async (principal, req) => ({
      note: toNote(await commands.addNote(principal.tenantId, authored(principal, req))),
    })),
    setStatus: operation<SetStatusRequest, SetStatusResponse>(AGENTS, async ({ tenantId }, req) => ({
      conversation: toConversation(await commands.setStatus(tenantId, req)),
    })),
    setPriority: operation<SetPriorityRequest, SetPriorityResponse>(AGENTS, async ({ tenantId }, req) => ({
      conversation: toConversation(await commands.setPriority(tenantId, req)),
    })),
    updateTags: operation<UpdateTagsRequest, UpdateTagsResponse>(AGENTS, async ({ tenantId }, req) => ({
      conversation: toConversation(await commands.updateTags(tenantId, req)),
    })),
  };
}

export type ConversationApi = ReturnType<typeof conversationApi>;
