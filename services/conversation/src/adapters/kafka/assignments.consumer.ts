import { AssignmentEventType, Topics } from '@omni/contracts';
import type { EventConsumer, KafkaClient } from '@omni/kafka';
import type { ConversationCommands } from '../../application/conversation-commands';

/** omni.assignments.v1 (keyed by conversation, so in order per conversation): routing's decisions set the assignee. */
export function consumeAssignments(
  kafka: KafkaClient,
  commands: ConversationCommands,
): Promise<EventConsumer<unknown>> {
  return kafka.consume('conversation-assignments', {
    topic: Topics.assignments,
    type: AssignmentEventType,
    fromBeginning: true,
    handle: async (events) => {
      for (const { value } of events) await commands.applyAssignment(value);
    },
  }) as Promise<EventConsumer<unknown>>;
}
