import type { Logger } from '@omni/logging';
import { type logCreator, logLevel } from 'kafkajs';

type Method = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<number, Method> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

interface ProtocolError {
  type: string;
  message: string;
  retriable?: boolean;
}

/**
 * kafkajs's table of the broker's error codes (not part of its typed API; kafkajs 2.x keeps it
 * there). Without it nothing is demoted.
 */
function protocolErrors(): ProtocolError[] {
  try {
    return (require('kafkajs/src/protocol/error') as { errorCodes: ProtocolError[] }).errorCodes;
  } catch {
    return [];
  }
}

/**
 * How loud a broker's error answer is in our logs. kafkajs logs every error answer to a request
 * ("Response Heartbeat(...)") at error, including the ones a healthy cluster gives while it moves:
 * a group rebalancing (each member's heartbeats answer so until it rejoins, which the consumer
 * logs once at warn), a coordinator or partition leader not ready yet (kafkajs retries). Those
 * would page whoever alerts on errors at every deploy and scale. A rebalance answer goes to
 * debug, a retriable answer to warn; anything else stays an error, and so does a retry that
 * gives up (kafkajs then throws, and the consumer or producer logs that).
 */
function responseErrorLevel(errors: readonly ProtocolError[]): (error: string) => Method {
  const levels = new Map<string, Method>();
  for (const e of errors) {
    if (e.type === 'REBALANCE_IN_PROGRESS') levels.set(e.message, 'debug');
    else if (e.retriable) levels.set(e.message, 'warn');
  }
  return (error) => levels.get(error) ?? 'error';
}

/**
 * The level of a kafkajs error line: a broker's error answer by `answerLevel`; a consumer's crash
 * on such an answer that kafkajs retries (a coordinator still loading when a cold broker starts)
 * at warn, and so the restart that follows (kafkajs restarts only after a retriable crash). A crash
 * on anything else (a lost connection, retries run out, a non-retriable answer) stays an error.
 */
function errorLineLevel(message: string, error: unknown, answerLevel: (error: string) => Method): Method {
  if (message.startsWith('Response ') && typeof error === 'string') return answerLevel(error);
  const crash = /^Crash: KafkaJSProtocolError: (.*)$/s.exec(message);
  if (crash?.[1] !== undefined) return answerLevel(crash[1]) === 'error' ? 'error' : 'warn';
  if (message.startsWith('Restarting the consumer in ')) return 'warn';
  return 'error';
}

/** Routes kafkajs's own log lines into the service's JSON logger. */
export function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const answerLevel = responseErrorLevel(protocolErrors());
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...rest } = log;
      let method = LEVELS[level] ?? 'info';
      if (method === 'error') method = errorLineLevel(message, rest.error, answerLevel);
      kafkaLogger[method](rest, message);
    };
}

/** kafkajs is chatty at info (every group join); keep only warnings unless debugging. */
export function kafkaLogLevel(level: string): logLevel {
  if (level === 'debug' || level === 'trace') return logLevel.INFO;
  if (level === 'silent') return logLevel.NOTHING;
  return logLevel.WARN;
}
