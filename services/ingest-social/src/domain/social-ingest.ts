import {
  type AttachmentRef,
  type BlobRef,
  DeliveryState,
  DeliveryStatus,
  deterministicId,
  type ParseProblem,
} from '@omni/contracts';
import { type ReadyInbound, toInboundMessage } from './inbound-message';
import type { Routed, SocialInbox } from './inbox-directory';
import { outsideWindowFallback } from './service-window';
import {
  CHANNEL_OF,
  type MediaSource,
  type PlatformStatus,
  type SocialChannelName,
  type SocialMessageDraft,
} from './social-message';

export interface MediaFetcher {
  /** Stores one attachment's bytes; rejects when it cannot (host not allowed, too large, timeout, HTTP error). */
  fetch(source: MediaSource, inbox: SocialInbox): Promise<{ blob: BlobRef; filename: string }>;
}

export interface RawBodyStore {
  put(raw: Buffer): Promise<BlobRef>;
}

export interface InboundPublisher {
  /** Resolves once Kafka acknowledged every event. */
  publish(messages: readonly ReadyInbound[], statuses: readonly DeliveryStatus[]): Promise<void>;
}

export interface WindowLog {
  /** Records the latest inbound time per (tenant, channel, sender), never moving it back. */
  touch(keys: readonly ReadyInbound['windowKey'][]): Promise<void>;
}

export interface IngestCall {
  raw: Buffer;
  receivedAt: Date;
  messages: { routed: Routed<SocialInbox>; draft: SocialMessageDraft }[];
  statuses: { tenantId: string; channel: SocialChannelName; status: PlatformStatus }[];
}

/** The one path from a verified, parsed webhook call to Kafka: blobs first, then events and windows together. */
export class SocialIngest {
  constructor(
    private readonly deps: { media: MediaFetcher; raw: RawBodyStore; publisher: InboundPublisher; windows: WindowLog },
  ) {}

  async ingest(call: IngestCall): Promise<{ messageIds: string[]; statuses: number }> {
    if (call.messages.length === 0 && call.statuses.length === 0) return { messageIds: [], statuses: 0 };
    const raw = call.messages.length > 0 ? await this.deps.raw.put(call.raw) : undefined;
    const ready = await Promise.all(
      call.messages.map(async ({ routed, draft }) => {
        const { attachments, problems } = await this.attachments(draft, routed.inbox);
        const fallback = outsideWindowFallback(routed.inbox);
        const envelope = {
          tenantId: routed.tenantId,
          inboxId: routed.inbox.id,
          receivedAt: call.receivedAt,
          raw,
          ...(fallback && { replyOutsideWindow: fallback }),
        };
        return toInboundMessage(draft, envelope, attachments, problems);
      }),
    );
    const statuses = call.statuses
      .filter(
        ({ status }) => status.state !== DeliveryState.DELIVERY_STATE_UNSPECIFIED && status.channelMessageId !== '',
      )
      .map(({ tenantId, channel, status }) => platformDeliveryStatus(tenantId, channel, status));
    // The window records when the customer wrote, a fact whether or not Kafka takes the event now
    // (a refused call is redelivered with the same time, and `$max` keeps it idempotent): no need to wait.
    await Promise.all([
      this.deps.publisher.publish(ready, statuses),
      this.deps.windows.touch(ready.map((r) => r.windowKey)),
    ]);
    return { messageIds: ready.map((r) => r.message.id), statuses: statuses.length };
  }

  /** A failed fetch keeps the message: the attachment stays as its source with a parse problem. */
  private async attachments(
    draft: SocialMessageDraft,
    inbox: SocialInbox,
  ): Promise<{ attachments: AttachmentRef[]; problems: ParseProblem[] }> {
    const problems: ParseProblem[] = [];
    const attachments = await Promise.all(
      draft.media.map(async (source): Promise<AttachmentRef> => {
        const sourceUrl = sourceOf(source);
        try {
          const { blob, filename } = await this.deps.media.fetch(source, inbox);
          return { blob, filename, contentId: '', inline: false, sourceUrl };
        } catch (error: unknown) {
          problems.push({ code: 'attachment_fetch_failed', detail: `${sourceUrl}: ${(error as Error).message}` });
          return {
            blob: undefined,
            filename: 'filename' in source ? (source.filename ?? '') : '',
            contentId: '',
            inline: false,
            sourceUrl,
          };
        }
      }),
    );
    return { attachments, problems };
  }
}

/** Media ids rather than URLs for WhatsApp and Telegram: a Telegram file URL would carry the bot token. */
function sourceOf(source: MediaSource): string {
  if (source.kind === 'url') return source.url;
  if (source.kind === 'whatsapp-media') return `whatsapp-media:${source.mediaId}`;
  return `telegram-file:${source.fileId}`;
}

/** messageId stays empty: the conversation service finds our message by its channelMessageId. */
export function platformDeliveryStatus(
  tenantId: string,
  channel: SocialChannelName,
  status: PlatformStatus,
): DeliveryStatus {
  return DeliveryStatus.fromPartial({
    id: deterministicId('dlv', tenantId, status.channelMessageId, status.status),
    tenantId,
    messageId: '',
    conversationId: '',
    channel: CHANNEL_OF[channel],
    channelMessageId: status.channelMessageId,
    state: status.state,
    reason: status.reason,
    retryable: false,
    occurredAt: status.occurredAt,
  });
}
