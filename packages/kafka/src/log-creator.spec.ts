import { Writable } from 'node:stream';
import { createLogger } from '@omni/logging';
import { logLevel } from 'kafkajs';
import { pinoLogCreator } from './log-creator';

/** What reaches the service's log when kafkajs logs `message` at `level` with `fields`. */
function logged(level: logLevel, message: string, fields: Record<string, unknown> = {}): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ service: 'spec', level: 'debug', destination });
  pinoLogCreator(logger)(logLevel.DEBUG)({
    namespace: 'Connection',
    level,
    label: logLevel[level] ?? 'ERROR',
    log: { timestamp: new Date().toISOString(), logger: 'kafkajs', message, ...fields },
  });
  return lines;
}

const heartbeat = 'Response Heartbeat(key: 12, version: 3)';

describe('kafkajs log lines in the service log', () => {
  it('logs a member told to rejoin a rebalancing group at debug, not error', () => {
    const [line] = logged(logLevel.ERROR, heartbeat, {
      error: 'The group is rebalancing, so a rejoin is needed',
      correlationId: 16,
    });
    expect(line).toMatchObject({ level: 'debug', component: 'kafkajs', msg: heartbeat, correlationId: 16 });
  });

  it('logs an answer kafkajs retries (coordinator not ready yet) at warn', () => {
    const [line] = logged(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
      error: 'The group coordinator is not available',
    });
    expect(line).toMatchObject({ level: 'warn', error: 'The group coordinator is not available' });
  });

  it('keeps any other error answer, and every other error line, at error', () => {
    const [fenced] = logged(logLevel.ERROR, heartbeat, { error: 'The coordinator is not aware of this member' });
    expect(fenced).toMatchObject({ level: 'error' });
    const [crash] = logged(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', {
      error: 'The group coordinator is not available',
    });
    expect(crash).toMatchObject({ level: 'error' });
  });

  it('logs a consumer crash on an answer kafkajs retries, and its restart, at warn', () => {
    const [crash] = logged(
      logLevel.ERROR,
      "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group",
      { groupId: 'routing', retryCount: 0 },
    );
    expect(crash).toMatchObject({ level: 'warn', groupId: 'routing' });
    expect(logged(logLevel.ERROR, 'Restarting the consumer in 300ms')[0]).toMatchObject({ level: 'warn' });
  });

  it('keeps a consumer crash on anything else at error', () => {
    for (const message of [
      'Crash: KafkaJSConnectionError: Connection error: write after end',
      'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available',
      'Crash: KafkaJSProtocolError: The coordinator is not aware of this member',
    ]) {
      expect(logged(logLevel.ERROR, message)[0]).toMatchObject({ level: 'error' });
    }
  });

  it('passes warnings and info through at their own level', () => {
    expect(logged(logLevel.WARN, 'The group is rebalancing, re-joining')[0]).toMatchObject({ level: 'warn' });
    expect(logged(logLevel.INFO, 'Consumer has joined the group')[0]).toMatchObject({ level: 'info' });
  });
});
