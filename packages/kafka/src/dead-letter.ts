import { DeadLetterHeaders } from '@omni/contracts';
import type { Batch, KafkaMessage, Message } from 'kafkajs';

/** A payload that is not the topic's message type: retrying cannot help, it goes to the DLQ at once. */
export class UndecodableError extends Error {
  override readonly name = 'UndecodableError';
}

export interface PoisonMessage {
  message: KafkaMessage;
  error: unknown;
  attempts: number;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Poison messages as they go to `<topic>.dlq`: the original key, bytes and
 * headers, plus why and where from, so an operator can inspect and replay them.
 */
export function deadLetterMessages(
  batch: Pick<Batch, 'topic' | 'partition'>,
  poison: readonly PoisonMessage[],
  failedAt: Date,
): Message[] {
  return poison.map(({ message, error, attempts }) => ({
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DeadLetterHeaders.error]: errorText(error).slice(0, 1000),
      [DeadLetterHeaders.originTopic]: batch.topic,
      [DeadLetterHeaders.originPartition]: String(batch.partition),
      [DeadLetterHeaders.originOffset]: message.offset,
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.failedAt]: failedAt.toISOString(),
    },
  }));
}
