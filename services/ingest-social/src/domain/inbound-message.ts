import { type AttachmentRef, type BlobRef, deterministicId, InboundMessage, type ParseProblem } from '@omni/contracts';
import { CHANNEL_OF, type SocialMessageDraft, senderIdentity } from './social-message';

export interface InboundEnvelope {
  tenantId: string;
  inboxId: string;
  receivedAt: Date;
  /** The webhook body as received, when it was kept. */
  raw?: BlobRef;
  /** The inbox's configured way to reply past the 24-hour window (see outsideWindowFallback). */
  replyOutsideWindow?: string;
}

export interface ReadyInbound {
  /** Kafka key: one customer's messages on one channel stay in order. */
  key: string;
  message: InboundMessage;
  /** For the customer-service window: who wrote, when. */
  windowKey: { tenantId: string; channel: string; sender: string; at: Date };
}

/** Turns a draft and its fetched attachments into the contract's InboundMessage. */
export function toInboundMessage(
  draft: SocialMessageDraft,
  envelope: InboundEnvelope,
  attachments: readonly AttachmentRef[],
  problems: readonly ParseProblem[],
): ReadyInbound {
  const identity = senderIdentity(draft.channel, draft.senderId);
  const id = deterministicId('msg', envelope.tenantId, draft.channel, draft.channelMessageId);
  const message = InboundMessage.fromPartial({
    id,
    tenantId: envelope.tenantId,
    inboxId: envelope.inboxId,
    channel: CHANNEL_OF[draft.channel],
    channelMessageId: draft.channelMessageId,
    sender: { identity, displayName: draft.displayName ?? '' },
    text: draft.text,
    sentAt: draft.sentAt,
    receivedAt: envelope.receivedAt,
    threading: { replyToChannelMessageId: draft.replyToChannelMessageId ?? '' },
    contentKind: draft.contentKind,
    channelContentType: draft.channelContentType,
    attachments: [...attachments],
    parseProblems: [...draft.problems, ...problems],
    raw: envelope.raw,
    channelMetadata: {
      ...draft.metadata,
      ...(envelope.replyOutsideWindow && { reply_outside_window: envelope.replyOutsideWindow }),
    },
  });
  return {
    key: `${envelope.tenantId}:${draft.channel}:${identity.value}`,
    message,
    windowKey: { tenantId: envelope.tenantId, channel: draft.channel, sender: identity.value, at: draft.sentAt },
  };
}
