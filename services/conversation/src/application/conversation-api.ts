import { type ApiKeyRole, apiOperation as operation, type Principal } from '@omni/auth';
import type {
  AddNoteRequest,
  AddNoteResponse,
  Conversation,
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
  TimelineEntry,
  UpdateTagsRequest,
  UpdateTagsResponse,
} from '@omni/contracts';
import { toConversation, toMessage, toNote, toTimelineEntry } from '../adapters/grpc/proto-mapping';
import type { ActivityRepository } from '../adapters/mongo/activity.repository';
import type { ConversationDocument } from '../adapters/mongo/documents';
import type { MessageRepository } from '../adapters/mongo/message.repository';
import { pageSize } from '../domain/page-token';
import type { ConversationCommands } from './conversation-commands';
import type { ConversationQueries } from './conversation-queries';
import type { ReplyService } from './reply.service';
import { listTimeline } from './timeline';
import type { TimelinePageCache } from './timeline-cache';

/** A first timeline page as the API returns it, shared by every caller that reads it from the cache. */
export interface TimelinePage {
  readonly entries: readonly TimelineEntry[];
  readonly nextPageToken: string;
  /** The conversation mapped from the document the page was read with, for callers who read the same document. */
  readonly conversation: { readonly stamp: string; readonly view: Conversation };
}

/**
 * What tells two reads of a conversation document apart: every update sets a new timeline
 * mark, and all but the relay's (which changes nothing the API shows) a new `updatedAt` too.
 */
function stampOf(doc: ConversationDocument): string {
  return `${doc.timelineMark ?? ''}:${doc.version}:${doc.updatedAt.getTime()}`;
}

const READERS: readonly ApiKeyRole[] = ['agent', 'admin', 'integration'];
/** Replies, notes and conversation state are agents' work (and admins'); integrations assert identities instead. */
const AGENTS: readonly ApiKeyRole[] = ['agent', 'admin'];

export interface ConversationApiDependencies {
  queries: ConversationQueries;
  replies: ReplyService;
  commands: ConversationCommands;
  messages: MessageRepository;
  activities: ActivityRepository;
  /** First pages keyed by the conversation's timeline mark; later pages (with a token) are always read. */
  timelineCache: TimelinePageCache<TimelinePage>;
}

/** An author left empty is the calling key, so every reply and note names who wrote it. */
function authored<T extends { authorId: string }>(principal: Principal, request: T): T {
  return request.authorId ? request : { ...request, authorId: `key:${principal.keyId.slice(0, 12)}` };
}

/** The ConversationService operations, each checked against the caller's role and scoped to its tenant. */
export function conversationApi(deps: ConversationApiDependencies) {
  const { queries, replies, commands, messages, activities, timelineCache } = deps;
  const timeline = async (
    conversation: ConversationDocument,
    requestedSize: number,
    pageToken: string,
  ): Promise<TimelinePage> => {
    const { tenantId, _id: conversationId } = conversation;
    const read = async () => {
      const page = await listTimeline(messages, activities, tenantId, conversationId, requestedSize, pageToken);
      return {
        entries: page.items.map(toTimelineEntry),
        nextPageToken: page.nextPageToken,
        conversation: { stamp: stampOf(conversation), view: toConversation(conversation) },
      };
    };
    if (pageToken) return read();
    const size = pageSize(requestedSize);
    return timelineCache.get({ tenantId, conversationId, pageSize: size, mark: conversation.timelineMark ?? '' }, read);
  };

  return {
    getConversation: operation<GetConversationRequest, GetConversationResponse>(READERS, async ({ tenantId }, req) => {
      const conversation = await queries.getConversation(tenantId, req.conversationId);
      if (req.timelinePageSize <= 0) {
        return { conversation: toConversation(conversation), timeline: [], nextTimelinePageToken: '' };
      }
      const page = await timeline(conversation, req.timelinePageSize, '');
      const cached = page.conversation;
      return {
        // The same view object for every caller of an unchanged conversation, so transports can reuse its encoding.
        conversation: cached.stamp === stampOf(conversation) ? cached.view : toConversation(conversation),
        timeline: page.entries as TimelineEntry[],
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
      const conversation = await queries.getConversation(tenantId, req.conversationId);
      const page = await timeline(conversation, req.pageSize, req.pageToken);
      return { entries: page.entries as TimelineEntry[], nextPageToken: page.nextPageToken };
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
