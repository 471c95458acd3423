import type { ConversationServiceServer } from '@omni/contracts';
import { grpcOperation } from '@omni/grpc';
import type { ConversationApi } from '../../application/conversation-api';

/** The gRPC face of the conversation API. */
export function conversationServer(api: ConversationApi): Omit<ConversationServiceServer, 'watchEvents'> {
  return {
    getConversation: grpcOperation(api.getConversation),
    listConversations: grpcOperation(api.listConversations),
    listMessages: grpcOperation(api.listMessages),
    listTimeline: grpcOperation(api.listTimeline),
    sendReply: grpcOperation(api.sendReply),
    addNote: grpcOperation(api.addNote),
    setStatus: grpcOperation(api.setStatus),
    setPriority: grpcOperation(api.setPriority),
    updateTags: grpcOperation(api.updateTags),
  };
}
