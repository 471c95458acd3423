import type {
  AttachmentRef,
  BlobRef,
  Channel,
  ContentKind,
  ConversationStatus,
  DeliveryState,
  IdentityKind,
  MessageDirection,
  ParseProblem,
  Threading,
  ThreadRule,
} from '@omni/contracts';

export const Collections = {
  identities: 'identities',
  customers: 'customers',
  conversations: 'conversations',
  messages: 'messages',
  /** Internal notes and system events (status changed, assigned, merged): the timeline besides messages. */
  activities: 'activities',
} as const;

export interface IdentityDocument {
  /** `${tenant}:${kind}:${normalizedValue}` */
  _id: string;
  tenantId: string;
  kind: IdentityKind;
  value: string;
  customerId: string;
  verified: boolean;
  source: string;
  /** What supports the link (a message id, the caller's stated reason, a merge id). */
  evidence?: string;
  /** When the identity was linked to its current customer. */
  linkedAt?: Date;
  createdAt: Date;
}

export interface CustomerDocument {
  _id: string;
  tenantId: string;
  displayName: string;
  identities: Array<{ kind: IdentityKind; value: string }>;
  createdAt: Date;
  updatedAt: Date;
  mergedInto?: string;
  /** Lower-cased display name, for name-prefix search. */
  nameKey?: string;
  /** The merge that set `mergedInto`. */
  mergedBy?: string;
  /** How often a merge of this customer was split: a merge of the same pair after a split is a new merge. */
  splitCount?: number;
}

export interface ConversationDocument {
  _id: string;
  tenantId: string;
  customerId: string;
  status: ConversationStatus;
  /**
   * `open:${tenant}:${customer}` while the conversation is open, `closed:${_id}`
   * otherwise. Its unique index keeps one open conversation per customer; a
   * per-document value stands in for the partial index FerretDB v1 lacks.
   */
  openKey: string;
  subject: string;
  normalizedSubject: string;
  /** Plus-address token for Reply-To: 16 lower-case hex characters, unique per tenant. */
  token: string;
  channels: Channel[];
  assigneeId: string;
  priority: number;
  createdAt: Date;
  updatedAt: Date;
  lastMessageAt: Date;
  version: number;
  messageCount: number;
  lastInboundChannel: Channel;
  lastInboundInboxId: string;
  lastInboundMessageId: string;
  /**
   * Ids of the messages already counted, so a replay after a crash between
   * storing a message and counting it counts it exactly once. Grows with the
   * conversation (about 30 bytes a message) and is never read back by the API.
   */
  appliedMessageIds: string[];
  /** The message that created or last reopened the conversation: re-emits the same `opened` event on replay. */
  openedByMessageId: string;
  openedReopen: boolean;
  tags?: string[];
  snoozedUntil?: Date | null;
  teamId?: string;
  /** KPI facts; derived figures (durations) are computed when read. */
  firstInboundAt?: Date;
  firstResponseAt?: Date | null;
  resolvedAt?: Date | null;
  reopenCount?: number;
  agentReplyCount?: number;
  agentRepliesBeforeResolution?: number | null;
  /** The routing decision last applied, so a redelivered assignment changes nothing. */
  lastAssignmentEventId?: string;
  /**
   * Events of changes made through the API or by routing, written in the same
   * update as the change (the outbox) and cleared by the relay once published:
   * base64 protobuf ConversationEvents, plain strings so `$pullAll` removes
   * exactly the published ones (FerretDB v1 ignores conditional `$pull`).
   */
  pendingEvents?: string[];
  /** Set when a customer merge folded this thread into another (the older open one). */
  mergedInto?: string;
  /**
   * Random, replaced by every update of the conversation and after every change of its
   * timeline (see timeline-marks.repository.ts): what a cached timeline page is valid for.
   * Absent on conversations no update has touched since marks were introduced.
   */
  timelineMark?: string;
}

export interface ActivityDocument {
  /** A note: deterministicId('note', ...); a system event: the ConversationEvent id. */
  _id: string;
  tenantId: string;
  conversationId: string;
  kind: 'note' | 'event';
  /** Timeline order: when it happened, then when it was recorded. */
  at: Date;
  recordedAt: Date;
  note?: { authorId: string; authorName: string; text: string };
  /** ConversationEvent, base64 protobuf. */
  event?: string;
  /** Per merge that moved it out of a folded thread: where it was, so a split puts it back. */
  mergedFrom?: Record<string, { conversationId: string }>;
}

export interface MessageDocument {
  /** Inbound: the InboundMessage id; outbound: deterministicId('msg', tenant, 'reply', conversation, key). */
  _id: string;
  tenantId: string;
  conversationId: string;
  customerId: string;
  direction: MessageDirection;
  channel: Channel;
  inboxId: string;
  participant: { identity: { kind: IdentityKind; value: string }; displayName: string };
  authorId: string;
  authorName: string;
  subject: string;
  text: string;
  html: string;
  replyText: string;
  attachments: AttachmentRef[];
  threading: Threading;
  /** Copy of threading.messageIdHeader at the top level, indexed for References lookups ('' when none). */
  messageIdHeader: string;
  channelMessageId: string;
  sentAt: Date;
  receivedAt: Date;
  autoGenerated: boolean;
  autoGeneratedReason: string;
  parseProblems: ParseProblem[];
  deliveryState: DeliveryState;
  /** deliveryRank(deliveryState): lets a status apply with one conditional update. */
  deliveryRank: number;
  deliveryReason: string;
  threadRule: ThreadRule;
  raw?: BlobRef;
  contentKind: ContentKind;
  conversationToken: string;
  /** Inbound on Messenger, Instagram, WhatsApp: how the inbox may reply past the 24-hour window (a tag, a template). */
  replyOutsideWindow?: string;
  /** Outbound only: 'pending' until the relay has published it (same document as the write: the outbox). */
  outbox?: 'pending';
  /** Per merge id: where a merge moved this message from, so a split can move it back. */
  mergedFrom?: Record<string, { conversationId?: string; customerId?: string }>;
  createdAt: Date;
}
