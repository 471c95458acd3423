import { asPrincipal } from '@omni/auth';
import type { ConversationServiceServer } from '@omni/contracts';
import { principalOf, unary } from '@omni/grpc';
import type { ConversationQueries } from '../../application/conversation-queries';
import type { ReplyService } from '../../application/reply.service';
import { toConversation, toMessage } from './proto-mapping';

/** The gRPC face of the conversation API; the tenant always comes from the caller's API key. */
export function conversationServer(
  queries: ConversationQueries,
  replies: ReplyService,
): Omit<ConversationServiceServer, 'watchEvents'> {
  const tenantOf = (call: Parameters<typeof principalOf>[0]) => asPrincipal(principalOf(call)).tenantId;
  return {
    getConversation: unary(async (request, call) => {
      const conversation = await queries.getConversation(tenantOf(call), request.conversationId);
      return { conversation: toConversation(conversation) };
    }),
    listConversations: unary(async (request, call) => {
      const page = await queries.listConversations(tenantOf(call), {
        customerId: request.customerId,
        status: request.status,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        ...(request.customerIdentity && { customerIdentity: request.customerIdentity }),
      });
      return { conversations: page.items.map(toConversation), nextPageToken: page.nextPageToken };
    }),
    listMessages: unary(async (request, call) => {
      const page = await queries.listMessages(
        tenantOf(call),
        request.conversationId,
        request.pageSize,
        request.pageToken,
      );
      return { messages: page.items.map(toMessage), nextPageToken: page.nextPageToken };
    }),
    sendReply: unary(async (request, call) => {
      const message = await replies.sendReply(tenantOf(call), request);
      return { message: toMessage(message) };
    }),
  };
}
