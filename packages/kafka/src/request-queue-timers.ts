/** The part of kafkajs's per-connection RequestQueue that its pending-request check touches. */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** The only kafkajs release whose queue this replaces (its latest, 2023); another is left as it is. */
const FIXED_VERSION = '2.2.4';
/** How soon a waiting request is looked at again when no throttle says when: kafkajs's own 10 ms. */
const RECHECK_MS = 10;

let applied: boolean | undefined;

/**
 * kafkajs 2.2.4 re-arms a timer on every broker connection after each look at the requests
 * waiting to be sent, also when none waits, and then with a negative delay: each open connection
 * wakes the event loop about once a millisecond for as long as it is open (kafkajs#1556, open
 * upstream). An idle conversation service, with its consumers' and producer's connections, woke
 * about 1,670 times a second and spent 6% of a core on nothing.
 *
 * This replaces that one method: a look is scheduled only while a request waits, when its
 * throttle ends or after 10 ms as before. Nothing else needs a timer: a request that cannot be
 * sent at once is queued by `push`, which schedules one, and every answer or time-out looks at
 * the queue itself. Applied once per process, before any client connects; returns whether the
 * fix is in place (false on another kafkajs version, whose queue is left alone).
 */
export function checkPendingRequestsOnlyWhileWaiting(): boolean {
  if (applied !== undefined) return applied;
  const { version } = require('kafkajs/package.json') as { version: string };
  const { prototype } = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
  applied = version === FIXED_VERSION && typeof prototype.scheduleCheckPendingRequests === 'function';
  if (!applied) return false;
  prototype.scheduleCheckPendingRequests = function scheduleWhileWaiting(this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : RECHECK_MS,
    );
  };
  return true;
}
