/**
 * Runs the updates of one conversation document one at a time in this
 * process. FerretDB v1 applies an update as a read, a change and a write of the
 * whole document, so of two concurrent updates one can silently undo the other
 * (MongoDB's are atomic): counts, API changes, the relay's clearing and timeline
 * marks all update the conversation, often within milliseconds of each other.
 * Each queued write must be one database call, never a wait for another write
 * of the same conversation.
 */
export class ConversationWrites {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(conversationId: string, write: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const run = previous.then(write);
    const tail = run.catch(() => undefined);
    this.tails.set(conversationId, tail);
    void tail.then(() => {
      if (this.tails.get(conversationId) === tail) this.tails.delete(conversationId);
    });
    return run;
  }
}

/** One queue per store (so per database connection pool): every repository of a process shares it. */
const queues = new WeakMap<object, ConversationWrites>();

export function conversationWritesOf(store: object): ConversationWrites {
  let writes = queues.get(store);
  if (!writes) {
    writes = new ConversationWrites();
    queues.set(store, writes);
  }
  return writes;
}
