import type { ChannelGroup } from './channel-group';
import { canTake, compareQueueEntries, type QueueEntry, type Taker } from './queue-order';

/** Capacity an agent got back when a conversation of theirs was resolved or merged. */
export interface Release {
  agentId: string;
  group: ChannelGroup;
  releasedAt: Date;
}

export interface WaitingEntry extends QueueEntry {
  group: ChannelGroup;
}

/** How far back freed capacity counts towards the rate. */
export const WAIT_WINDOW_MS = 15 * 60_000;

/**
 * Estimated seconds each waiting conversation still waits, or undefined when
 * unknown. For a conversation, the rate is the number of releases in its
 * channel group, within the window, by agents who could take it (skills,
 * teams, not declined), per second; its position is 1 + the number of
 * conversations ahead of it in queue order in the same group that those same
 * agents could take too. Estimate = position / rate, rounded up. No such
 * release in the window means no evidence: unknown, not zero.
 */
export function estimateWaits(
  entries: readonly WaitingEntry[],
  releases: readonly Release[],
  agents: readonly Taker[],
  now: Date,
  windowMs = WAIT_WINDOW_MS,
): Map<string, number | undefined> {
  const since = now.getTime() - windowMs;
  const recent = releases.filter((r) => r.releasedAt.getTime() > since);
  const ordered = [...entries].sort(compareQueueEntries);
  const estimates = new Map<string, number | undefined>();
  ordered.forEach((entry, index) => {
    // Judged without the sticky hold: the estimate is about capacity, not about who holds it now.
    const takeable = (e: QueueEntry, agent: Taker) => canTake({ ...e, stickyUntil: null }, agent, now);
    const takers = agents.filter((agent) => takeable(entry, agent));
    const ids = new Set(takers.map((t) => t.agentId));
    const freed = recent.filter((r) => r.group === entry.group && ids.has(r.agentId)).length;
    if (freed === 0) {
      estimates.set(entry.conversationId, undefined);
      return;
    }
    const ahead = ordered
      .slice(0, index)
      .filter((other) => other.group === entry.group && takers.some((agent) => takeable(other, agent))).length;
    const perSecond = freed / (windowMs / 1000);
    estimates.set(entry.conversationId, Math.ceil((ahead + 1) / perSecond));
  });
  return estimates;
}
