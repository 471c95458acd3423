import { createLogger, type Logger } from '@omni/logging';

/** Quiet unless TEST_LOG_LEVEL asks for more, so a failing run can be replayed with logs. */
export function createTestLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
