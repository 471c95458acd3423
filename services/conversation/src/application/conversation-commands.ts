import { randomUUID } from 'node:crypto';
import {
  type AddNoteRequest,
  AssignmentAction,
  type AssignmentEvent,
  ConversationEvent,
  ConversationStatus,
  deterministicId,
  type SetPriorityRequest,
  type SetStatusRequest,
  type UpdateTagsRequest,
} from '@omni/contracts';
import { FailedPreconditionError, NotFoundError, UnavailableError } from '@omni/errors';
import type { ActivityRepository } from '../adapters/mongo/activity.repository';
import { type ConversationRepository, closedKeyOf, openKeyOf } from '../adapters/mongo/conversation.repository';
import type {
  ConversationChange,
  ConversationChangesRepository,
} from '../adapters/mongo/conversation-changes.repository';
import type { ActivityDocument, ConversationDocument } from '../adapters/mongo/documents';
import { validateNote, validatePriority, validateStatusChange, validateTags } from '../domain/conversation-rules';

export interface ConversationCommandDependencies {
  conversations: ConversationRepository;
  changes: ConversationChangesRepository;
  activities: ActivityRepository;
  /** Wakes the relay that publishes the events stored with a change. */
  onChanged: () => void;
  now?: () => Date;
}

/** Versioned updates lose to a concurrent writer at most this often before the caller gets UNAVAILABLE. */
const MAX_ATTEMPTS = 5;

/**
 * What agents and routing change on a conversation: status, priority, tags,
 * assignee and notes. Each change is one update conditional on the version it
 * read, with its event in the same document, retried when a concurrent writer
 * (a new message) moved the version on.
 */
export class ConversationCommands {
  private readonly now: () => Date;

  constructor(private readonly deps: ConversationCommandDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  async setStatus(tenantId: string, request: SetStatusRequest): Promise<ConversationDocument> {
    const snoozedUntil = validateStatusChange(request, this.now());
    return this.change(tenantId, request.conversationId, (doc) => {
      if (request.expectedVersion && doc.version !== request.expectedVersion) {
        throw new FailedPreconditionError(`conversation is at version ${doc.version}, not ${request.expectedVersion}`, {
          details: [{ field: 'expected_version', reason: 'stale' }],
        });
      }
      return this.statusChange(doc, request.status, snoozedUntil);
    });
  }

  /**
   * A customer's message wakes a pending or snoozed conversation (the same change as an
   * agent setting it open); `dueBy` wakes only a snooze whose time has come by then.
   */
  async wake(tenantId: string, conversationId: string, dueBy?: Date): Promise<void> {
    await this.change(tenantId, conversationId, (doc) => {
      const snoozed = doc.status === ConversationStatus.CONVERSATION_STATUS_SNOOZED;
      const due = dueBy
        ? snoozed && !!doc.snoozedUntil && doc.snoozedUntil.getTime() <= dueBy.getTime()
        : snoozed || doc.status === ConversationStatus.CONVERSATION_STATUS_PENDING;
      return due ? this.statusChange(doc, ConversationStatus.CONVERSATION_STATUS_OPEN, null) : undefined;
    });
  }

  async setPriority(tenantId: string, request: SetPriorityRequest): Promise<ConversationDocument> {
    validatePriority(request.priority);
    return this.change(tenantId, request.conversationId, (doc) =>
      doc.priority === request.priority ? undefined : { set: { priority: request.priority }, events: [] },
    );
  }

  async updateTags(tenantId: string, request: UpdateTagsRequest): Promise<ConversationDocument> {
    const { add, remove } = validateTags(request.add, request.remove);
    return this.change(tenantId, request.conversationId, (doc) => {
      const current = doc.tags ?? [];
      const tags = [...new Set([...current, ...add])].filter((tag) => !remove.includes(tag)).sort();
      const same = tags.length === current.length && tags.every((tag, i) => tag === current[i]);
      return same ? undefined : { set: { tags }, events: [] };
    });
  }

  /** Routing's decision: assigned sets the assignee; unassigned or queued again clears it. */
  async applyAssignment(event: AssignmentEvent): Promise<void> {
    const agentId = assigneeAfter(event);
    if (agentId === undefined) return;
    try {
      await this.change(event.tenantId, event.conversationId, (doc) => {
        if (doc.lastAssignmentEventId === event.id || doc.assigneeId === agentId) return undefined;
        const version = doc.version + 1;
        return {
          set: { assigneeId: agentId, lastAssignmentEventId: event.id },
          events: [
            ConversationEvent.fromPartial({
              ...this.eventBase(doc, version),
              id: deterministicId('evt', event.id, 'assignee'),
              kind: { $case: 'assigneeChanged', value: { agentId, previousAgentId: doc.assigneeId } },
            }),
          ],
        };
      });
    } catch (error: unknown) {
      // A decision about a conversation this service never stored (another deployment's topic) changes nothing.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  async addNote(tenantId: string, request: AddNoteRequest): Promise<ActivityDocument> {
    validateNote(request);
    const conversation = await this.deps.conversations.findById(tenantId, request.conversationId);
    if (!conversation) throw new NotFoundError(`conversation ${request.conversationId} not found`);
    const id = deterministicId('note', tenantId, conversation._id, request.idempotencyKey || randomUUID());
    const now = this.now();
    const doc: ActivityDocument = {
      _id: id,
      tenantId,
      conversationId: conversation._id,
      kind: 'note',
      at: now,
      recordedAt: now,
      note: { authorId: request.authorId, authorName: request.authorName, text: request.text },
    };
    if (await this.deps.activities.insert(doc)) return doc;
    const existing = await this.deps.activities.findById(tenantId, id);
    if (!existing) throw new UnavailableError(`note ${id} vanished after a duplicate insert`);
    return existing;
  }

  private statusChange(
    doc: ConversationDocument,
    status: ConversationStatus,
    snoozedUntil: Date | null,
  ): ConversationChange | undefined {
    const from = doc.status;
    if (from === status && (doc.snoozedUntil?.getTime() ?? null) === (snoozedUntil?.getTime() ?? null))
      return undefined;
    const resolved = ConversationStatus.CONVERSATION_STATUS_RESOLVED;
    const now = this.now();
    const set: Partial<ConversationDocument> = {
      status,
      snoozedUntil,
      openKey: status === resolved ? closedKeyOf(doc._id) : openKeyOf(doc.tenantId, doc.customerId),
    };
    if (status === resolved) {
      set.resolvedAt = now;
      if (doc.agentRepliesBeforeResolution == null) set.agentRepliesBeforeResolution = doc.agentReplyCount ?? 0;
    } else if (from === resolved) {
      set.resolvedAt = null;
    }
    const version = doc.version + 1;
    return {
      set,
      ...(from === resolved && status !== resolved && { inc: { reopenCount: 1 } }),
      events: [
        ConversationEvent.fromPartial({
          ...this.eventBase(doc, version),
          id: deterministicId('evt', doc._id, 'status', String(version)),
          kind: { $case: 'statusChanged', value: { from, to: status, ...(snoozedUntil && { snoozedUntil }) } },
        }),
      ],
    };
  }

  private eventBase(doc: ConversationDocument, version: number) {
    return {
      tenantId: doc.tenantId,
      conversationId: doc._id,
      customerId: doc.customerId,
      occurredAt: this.now(),
      version,
    };
  }

  /** Reads, decides and writes at the version read; `decide` returning undefined means nothing to change. */
  private async change(
    tenantId: string,
    conversationId: string,
    decide: (doc: ConversationDocument) => ConversationChange | undefined,
  ): Promise<ConversationDocument> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const doc = conversationId ? await this.deps.conversations.findById(tenantId, conversationId) : null;
      if (!doc) throw new NotFoundError(`conversation ${conversationId} not found`);
      const change = decide(doc);
      if (!change) return doc;
      const outcome = await this.deps.changes.apply(doc, change);
      if (outcome === 'open_conflict') {
        throw new FailedPreconditionError('the customer already has another open conversation', {
          details: [{ field: 'status', reason: 'one open conversation per customer' }],
        });
      }
      if (outcome === 'applied') {
        if (change.events.length > 0) this.deps.onChanged();
        const updated = await this.deps.conversations.findById(tenantId, conversationId);
        if (updated) return updated;
      }
    }
    throw new UnavailableError('the conversation kept changing; try again', { retryAfterSeconds: 1 });
  }
}

function assigneeAfter(event: AssignmentEvent): string | undefined {
  switch (event.action) {
    case AssignmentAction.ASSIGNMENT_ACTION_ASSIGNED:
      return event.agentId;
    case AssignmentAction.ASSIGNMENT_ACTION_UNASSIGNED:
    case AssignmentAction.ASSIGNMENT_ACTION_QUEUED:
      return '';
    default:
      return undefined;
  }
}
