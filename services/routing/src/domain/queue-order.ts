import { hasSkills, type SkillLevels } from './agent';

export interface QueueEntry {
  conversationId: string;
  priority: number;
  slaDueAt: Date;
  enqueuedAt: Date;
  requiredSkills: SkillLevels;
}

/** Queue order: higher priority first, then the nearest SLA breach, then the oldest. */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const due = a.slaDueAt.getTime() - b.slaDueAt.getTime();
  if (due !== 0) return due;
  const age = a.enqueuedAt.getTime() - b.enqueuedAt.getTime();
  if (age !== 0) return age;
  return a.conversationId.localeCompare(b.conversationId);
}

/** The best waiting conversation an agent with these skills can take, or undefined. */
export function bestTakeable<E extends QueueEntry>(entries: readonly E[], agentSkills: SkillLevels): E | undefined {
  return [...entries].sort(compareQueueEntries).find((entry) => hasSkills(agentSkills, entry.requiredSkills));
}
