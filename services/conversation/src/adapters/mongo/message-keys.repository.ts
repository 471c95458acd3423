import { createHash } from 'node:crypto';
import type { Store } from '@omni/store';
import { isDuplicateKeyError } from '@omni/store';

export const MESSAGE_KEYS = 'message_keys';

/** Concurrent `_id` reads per lookup: a 100-entry References header stays ten round trips. */
const READS_AT_ONCE = 10;

/**
 * What email threading looks up, keyed by `_id` so it is one index read on any
 * server (FerretDB v1 scans for every other query): a Message-ID (ours or the
 * customer's), a plus-address token, or a customer's normalized subject → the
 * conversation it was stored in.
 */
interface MessageKeyDocument {
  /** `${tenant}:${sha256(Message-ID)}`, `${tenant}:token:${token}` or `${tenant}:subject:${customer}:${sha256(subject)}` */
  _id: string;
  tenantId: string;
  conversationId: string;
  messageIdHeader?: string;
  createdAt: Date;
}

/** Hashed: a Message-ID may be up to ~1,000 characters, and `_id` values are bounded. */
function messageIdKey(tenantId: string, messageIdHeader: string): string {
  return `${tenantId}:${createHash('sha256').update(messageIdHeader).digest('base64url')}`;
}

function tokenKey(tenantId: string, token: string): string {
  return `${tenantId}:token:${token}`;
}

function subjectKey(tenantId: string, customerId: string, normalizedSubject: string): string {
  return `${tenantId}:subject:${customerId}:${createHash('sha256').update(normalizedSubject).digest('base64url')}`;
}

/**
 * A key is written before the message or conversation it names, so whatever is
 * stored can be found. The first writer wins; a conversation that was later merged
 * away is still returned (it carries `mergedInto` for the caller to follow).
 */
export class MessageKeysRepository {
  constructor(private readonly store: Store) {}

  private get keys() {
    return this.store.collection<MessageKeyDocument>(MESSAGE_KEYS);
  }

  recordMessageId(tenantId: string, messageIdHeader: string, conversationId: string): Promise<void> {
    return this.insert({
      _id: messageIdKey(tenantId, messageIdHeader),
      tenantId,
      conversationId,
      messageIdHeader,
      createdAt: new Date(),
    });
  }

  recordToken(tenantId: string, token: string, conversationId: string): Promise<void> {
    return this.insert({ _id: tokenKey(tenantId, token), tenantId, conversationId, createdAt: new Date() });
  }

  /**
   * The customer's latest conversation with this subject: written once the conversation
   * exists (never naming one that lost its creation), replaced by a newer one.
   */
  async recordSubject(tenantId: string, customerId: string, normalizedSubject: string, conversationId: string) {
    const _id = subjectKey(tenantId, customerId, normalizedSubject);
    const write = () =>
      this.keys.updateOne({ _id }, { $set: { tenantId, conversationId, createdAt: new Date() } }, { upsert: true });
    try {
      await write();
    } catch (error: unknown) {
      // Two upserts raced to insert: the loser's update now finds the document.
      if (!isDuplicateKeyError(error)) throw error;
      await write();
    }
  }

  async conversationBySubject(
    tenantId: string,
    customerId: string,
    normalizedSubject: string,
  ): Promise<string | undefined> {
    const doc = await this.keys.findOne(
      { _id: subjectKey(tenantId, customerId, normalizedSubject) },
      { projection: { conversationId: 1 } },
    );
    return doc?.conversationId;
  }

  /**
   * Every known Message-ID among `messageIdHeaders`: one `_id` read each, ten at a time.
   * Not one `_id: {$in}`: FerretDB v1 answers `$in` by scanning the collection (measured).
   */
  async conversationsByMessageIds(
    tenantId: string,
    messageIdHeaders: readonly string[],
  ): Promise<Array<{ messageIdHeader: string; conversationId: string }>> {
    const found: Array<{ messageIdHeader: string; conversationId: string }> = [];
    for (let start = 0; start < messageIdHeaders.length; start += READS_AT_ONCE) {
      const chunk = messageIdHeaders.slice(start, start + READS_AT_ONCE);
      const docs = await Promise.all(
        chunk.map((header) =>
          this.keys.findOne({ _id: messageIdKey(tenantId, header) }, { projection: { conversationId: 1 } }),
        ),
      );
      docs.forEach((doc, i) => {
        if (doc) found.push({ messageIdHeader: chunk[i] as string, conversationId: doc.conversationId });
      });
    }
    return found;
  }

  async conversationByToken(tenantId: string, token: string): Promise<string | undefined> {
    const doc = await this.keys.findOne({ _id: tokenKey(tenantId, token) }, { projection: { conversationId: 1 } });
    return doc?.conversationId;
  }

  private async insert(doc: MessageKeyDocument): Promise<void> {
    try {
      await this.keys.insertOne(doc);
    } catch (error: unknown) {
      // Written before (a redelivery, or a replay after a crash): the first placement stands.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
