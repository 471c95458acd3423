import { ServerInterceptingCall, type ServerInterceptor, status } from '@grpc/grpc-js';
import type { Logger } from '@omni/logging';
import { hiddenCauseOf } from './grpc-status';
import { isHealthOrReflectionMethod } from './method-paths';

/** Codes that mean the server, not the caller, is at fault. */
const SERVER_FAULTS = new Set([status.UNKNOWN, status.INTERNAL, status.DATA_LOSS]);

/**
 * One log line per call (method, code, duration), and the place where the
 * cause of an internal error, hidden from the caller, gets logged.
 */
export function callLogging(logger: Logger): ServerInterceptor {
  return (method, call) => {
    const started = process.hrtime.bigint();
    // Probes call Check every few seconds; at info they would drown real traffic.
    const quiet = isHealthOrReflectionMethod(method.path);
    let logged = false;
    const log = (code: status, cause?: { err: unknown }) => {
      if (logged) return;
      logged = true;
      const line = {
        method: method.path,
        code: status[code] ?? String(code),
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      };
      if (cause) logger.error({ ...line, err: cause.err }, 'grpc call failed');
      else if (SERVER_FAULTS.has(code)) logger.error(line, 'grpc call failed');
      else if (quiet) logger.debug(line, 'grpc call');
      else logger.info(line, 'grpc call');
    };
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => log(status.CANCELLED) }),
      sendStatus: (finalStatus, next) => {
        log(finalStatus.code, hiddenCauseOf(finalStatus.metadata));
        next(finalStatus);
      },
    });
  };
}
