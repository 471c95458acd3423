import { DeadLetterHeaders } from '@omni/contracts';
import type { KafkaMessage } from 'kafkajs';
import { deadLetterMessages, UndecodableError } from './dead-letter';

describe('deadLetterMessages', () => {
  const message: KafkaMessage = {
    key: Buffer.from('k'),
    value: Buffer.from([1, 2, 3]),
    offset: '41',
    timestamp: '0',
    attributes: 0,
    headers: { 'omni-event-id': Buffer.from('e1') },
  };

  it('keeps key, bytes and headers, and adds why and where from', () => {
    const [dead] = deadLetterMessages(
      { topic: 'omni.inbound.v1', partition: 3 },
      [{ message, error: new UndecodableError('bad bytes'), attempts: 1 }],
      new Date('2026-11-22T10:00:00Z'),
    );
    expect(dead?.key).toEqual(Buffer.from('k'));
    expect(dead?.value).toEqual(Buffer.from([1, 2, 3]));
    expect(dead?.headers).toEqual({
      'omni-event-id': Buffer.from('e1'),
      [DeadLetterHeaders.error]: 'UndecodableError: bad bytes',
      [DeadLetterHeaders.originTopic]: 'omni.inbound.v1',
      [DeadLetterHeaders.originPartition]: '3',
      [DeadLetterHeaders.originOffset]: '41',
      [DeadLetterHeaders.attempts]: '1',
      [DeadLetterHeaders.failedAt]: '2026-11-22T10:00:00.000Z',
    });
  });

  it('bounds the error text', () => {
    const [dead] = deadLetterMessages(
      { topic: 't', partition: 0 },
      [{ message, error: 'x'.repeat(5000), attempts: 5 }],
      new Date(),
    );
    expect(String(dead?.headers?.[DeadLetterHeaders.error])).toHaveLength(1000);
  });
});
