import type { handleServerStreamingCall } from '@grpc/grpc-js';
import { asPrincipal } from '@omni/auth';
import { ConversationEventKind, type WatchEventsRequest, type WatchEventsResponse } from '@omni/contracts';
import { InvalidArgumentError } from '@omni/errors';
import { principalOf, serverStreaming } from '@omni/grpc';
import type { WatchEventsService } from '../../application/watch-events.service';
import type { WatchKind } from '../../domain/watch-filter';

const KIND_NAMES: Partial<Record<ConversationEventKind, WatchKind>> = {
  [ConversationEventKind.CONVERSATION_EVENT_KIND_OPENED]: 'opened',
  [ConversationEventKind.CONVERSATION_EVENT_KIND_MESSAGE_ADDED]: 'message_added',
  [ConversationEventKind.CONVERSATION_EVENT_KIND_STATUS_CHANGED]: 'status_changed',
  [ConversationEventKind.CONVERSATION_EVENT_KIND_ASSIGNEE_CHANGED]: 'assignee_changed',
  [ConversationEventKind.CONVERSATION_EVENT_KIND_MERGED]: 'merged',
};

function kindNames(kinds: readonly ConversationEventKind[]): WatchKind[] {
  return kinds.map((kind, index) => {
    const name = KIND_NAMES[kind];
    if (!name) {
      throw new InvalidArgumentError(`kinds[${index}] is not a conversation event kind`, {
        details: [{ field: `kinds[${index}]`, reason: 'unknown kind' }],
      });
    }
    return name;
  });
}

/**
 * ConversationService.WatchEvents: checkpoints and events until the client leaves, the stream
 * falls behind (RESOURCE_EXHAUSTED) or the server shuts down (UNAVAILABLE); both say to watch
 * again from the last position.
 */
export function watchEventsRpc(
  watch: WatchEventsService,
  heartbeatMs: number,
): handleServerStreamingCall<WatchEventsRequest, WatchEventsResponse> {
  return serverStreaming<WatchEventsRequest, WatchEventsResponse>(async (request, stream, call) => {
    const principal = asPrincipal(principalOf(call));
    const subscription = await watch.open(
      principal,
      {
        conversationId: request.conversationId,
        customerId: request.customerId,
        kinds: kindNames(request.kinds),
        resumeAfter: request.resumeAfter,
      },
      'resume_after',
    );
    // The client's cancel reason is what next() then throws, which serverStreaming knows to keep quiet about.
    const onCancel = () => subscription.close(stream.signal.reason);
    if (stream.signal.aborted) onCancel();
    stream.signal.addEventListener('abort', onCancel, { once: true });
    try {
      for (;;) {
        const item = await subscription.next(heartbeatMs);
        await subscription.whileOpen(stream.send({ position: item.position, event: item.event }));
      }
    } finally {
      stream.signal.removeEventListener('abort', onCancel);
      subscription.close();
    }
  });
}
