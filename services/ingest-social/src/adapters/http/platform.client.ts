import { backoffDelay, sleep } from '@omni/backoff';
import { UnavailableError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import type { PlatformRequest } from '../../domain/outbound-request';
import { interpretSendResponse, type SendOutcome } from '../../domain/platform-response';
import type { PlatformTransport } from '../../domain/social-sender';

export interface PlatformClientSettings {
  logger: Logger;
  /** Bound on one HTTP call. */
  timeoutMs: number;
  /** Tries per send inside one handler run, before giving up as transient. */
  maxAttempts: number;
  /** Longest the handler waits between tries; a longer Retry-After is handed to the consumer's own retry. */
  maxWaitMs: number;
}

/**
 * Posts send requests to Graph or the Bot API. 429s, 5xx and network failures
 * are retried with backoff, honouring the platform's retry_after, a bounded
 * number of times; then thrown as transient so the Kafka consumer retries the
 * message later instead of dead-lettering or dropping it.
 */
export class PlatformClient implements PlatformTransport {
  constructor(private readonly settings: PlatformClientSettings) {}

  async send(
    request: PlatformRequest,
  ): Promise<{ kind: 'sent'; channelMessageId: string } | { kind: 'failed'; reason: string }> {
    let last: SendOutcome = { kind: 'retry', reason: 'not tried' };
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt += 1) {
      last = await this.post(request);
      if (last.kind !== 'retry') return last;
      if (attempt === this.settings.maxAttempts) break;
      const wait = Math.min(
        this.settings.maxWaitMs,
        Math.max(last.retryAfterMs ?? 0, backoffDelay(attempt, { initialMs: 250, maxMs: 4_000 })),
      );
      this.settings.logger.warn(
        { channel: request.channel, target: request.target, attempt, waitMs: wait, reason: last.reason },
        'platform asked to retry the send',
      );
      await sleep(wait);
    }
    const seconds = last.retryAfterMs === undefined ? undefined : Math.ceil(last.retryAfterMs / 1000);
    throw new UnavailableError(`${request.channel} send not accepted yet: ${last.reason}`, {
      retryAfterSeconds: seconds,
    });
  }

  private async post(request: PlatformRequest): Promise<SendOutcome> {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error: unknown) {
      // Never the URL in the message: Telegram's carries the bot token.
      return { kind: 'retry', reason: `${request.target} unreachable: ${(error as Error).name}` };
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return interpretSendResponse(request.channel, response.status, body, response.headers.get('retry-after'));
  }
}
