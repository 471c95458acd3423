import type { handleUnaryCall } from '@grpc/grpc-js';
import { type ApiOperation, asPrincipal } from '@omni/auth';
import type { ConversationServiceServer } from '@omni/contracts';
import { principalOf, unary } from '@omni/grpc';
import type { ConversationApi } from '../../application/conversation-api';

/** A unary method running an API operation as the caller's principal (tenant and role from its API key). */
export function grpcOperation<Req, Res>(op: ApiOperation<Req, Res>): handleUnaryCall<Req, Res> {
  return unary((request: Req, call) => op.run(asPrincipal(principalOf(call)), request));
}

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
