import type { ChannelsConfig, InboxConfig } from '@omni/config';
import { IdentityKind, type OutboundMessage } from '@omni/contracts';
import { FailedPreconditionError } from '@omni/errors';
import {
  domainOf,
  normalizeMessageId,
  referencesOf,
  replyToAddress,
  sanitizeHeaderValue,
  threadTopicOf,
} from './outbound-headers';
import { replyThreadIndex } from './outbound-thread-index';

export type EmailInbox = Extract<InboxConfig, { channel: 'email' }>;

/** A file sent with the mail; its content is read from the blob store when the mail goes out. */
export interface OutboundAttachment {
  blobId: string;
  filename: string;
  contentType: string;
  /** Referenced from the HTML as `cid:<contentId>` when inline. */
  contentId: string;
  inline: boolean;
}

/** A mail ready for the relay. Message-IDs are bare (no angle brackets), as everywhere in the system. */
export interface OutboundMail {
  from: { name: string; address: string };
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  replyTo: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
  threadTopic: string;
  threadIndex: string;
  automatic: boolean;
  attachments: OutboundAttachment[];
}

/**
 * The message can never be sent as it stands (unknown inbox, no address, the
 * relay refused it for good): it is reported FAILED rather than retried.
 */
export class UndeliverableError extends FailedPreconditionError {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The tenant's email inbox of that id; another tenant's inbox answers as a missing one. */
export function findEmailInbox(channels: ChannelsConfig, tenantId: string, inboxId: string): EmailInbox {
  const tenant = channels.tenants.find((t) => t.id === tenantId);
  const inbox = tenant?.inboxes.find((i) => i.id === inboxId);
  if (inbox?.channel !== 'email') {
    throw new UndeliverableError(`unknown email inbox "${inboxId}" for tenant "${tenantId}"`);
  }
  return inbox;
}

const ADDRESS = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/;

/** Builds the mail for an OutboundMessage from its inbox; every header value is sanitized. */
export function buildOutboundMail(message: OutboundMessage, inbox: EmailInbox, now: () => Date): OutboundMail {
  const recipient = message.recipient?.identity;
  const to = recipient?.value.trim().toLowerCase() ?? '';
  if (recipient?.kind !== IdentityKind.IDENTITY_KIND_EMAIL || !ADDRESS.test(to)) {
    throw new UndeliverableError('the recipient has no valid email address');
  }
  const threading = message.threading;
  const subject = sanitizeHeaderValue(message.subject);
  // Our own id on our own domain: unique, and stable across re-sends of the same message.
  const messageId =
    normalizeMessageId(threading?.messageIdHeader ?? '') ?? `${message.id}@${domainOf(inbox.fromAddress)}`;
  const inReplyTo = normalizeMessageId(threading?.inReplyTo ?? '');
  const references = referencesOf(threading?.references ?? []);
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);
  return {
    from: { name: sanitizeHeaderValue(inbox.fromName ?? ''), address: inbox.fromAddress },
    to: { name: sanitizeHeaderValue(message.recipient?.displayName ?? ''), address: to },
    subject,
    text: message.text,
    html: message.html,
    messageId,
    replyTo: replyToAddress(inbox.fromAddress, message.conversationToken),
    inReplyTo,
    references,
    threadTopic: threadTopicOf(threading?.threadTopic ?? '', subject),
    threadIndex: replyThreadIndex({
      customerIndex: threading?.threadIndex ?? '',
      conversationId: message.conversationId,
      messageId: message.id,
      at: message.createdAt ?? now(),
    }),
    automatic: message.automatic,
    attachments: message.attachments.map((attachment): OutboundAttachment => {
      const filename = sanitizeHeaderValue(attachment.filename);
      if (!attachment.blob?.blobId) throw new UndeliverableError(`attachment "${filename}" has no stored content`);
      return {
        blobId: attachment.blob.blobId,
        filename,
        contentType: sanitizeHeaderValue(attachment.blob.contentType) || 'application/octet-stream',
        contentId: sanitizeHeaderValue(attachment.contentId),
        inline: attachment.inline,
      };
    }),
  };
}
