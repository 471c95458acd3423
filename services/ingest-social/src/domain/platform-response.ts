import type { SocialInbox } from './inbox-directory';
import { asArray, asId, asNumber, asRecord, asString } from './json-access';

export type SendOutcome =
  | { kind: 'sent'; channelMessageId: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'failed'; reason: string };

/** Graph error codes that mean "slow down", whatever HTTP status carries them. */
const GRAPH_THROTTLE_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131048, 131056]);

/** Reads a platform's answer to a send: the new message's id, a reason to retry, or a final refusal. */
export function interpretSendResponse(
  channel: SocialInbox['channel'],
  status: number,
  body: unknown,
  retryAfterHeader: string | null,
): SendOutcome {
  const root = asRecord(body) ?? {};
  const headerSeconds = asNumber(retryAfterHeader ?? undefined);
  if (channel === 'telegram') {
    const result = asRecord(root.result);
    if (status >= 200 && status < 300 && root.ok === true && result) {
      return {
        kind: 'sent',
        channelMessageId: `${asId(asRecord(result.chat)?.id) ?? ''}:${asId(result.message_id) ?? ''}`,
      };
    }
    const code = asNumber(root.error_code) ?? status;
    const reason = asString(root.description) ?? `Telegram answered HTTP ${status}`;
    const retryAfter = asNumber(asRecord(root.parameters)?.retry_after) ?? headerSeconds;
    if (code === 429 || status === 429 || status >= 500) return retry(reason, retryAfter);
    return { kind: 'failed', reason };
  }
  if (status >= 200 && status < 300) {
    const id = channel === 'whatsapp' ? asString(asRecord(asArray(root.messages)[0])?.id) : asString(root.message_id);
    if (id) return { kind: 'sent', channelMessageId: id };
    return { kind: 'failed', reason: `${channel} answered ${status} without a message id` };
  }
  const error = asRecord(root.error) ?? {};
  const code = asNumber(error.code);
  const message = asString(error.message) ?? `${channel} answered HTTP ${status}`;
  const detail = asString(asRecord(error.error_data)?.details);
  const reason = detail && detail !== message ? `${message}: ${detail}` : message;
  if (
    status === 429 ||
    status >= 500 ||
    error.is_transient === true ||
    (code !== undefined && GRAPH_THROTTLE_CODES.has(code))
  ) {
    return retry(reason, headerSeconds);
  }
  return { kind: 'failed', reason };
}

function retry(reason: string, seconds: number | undefined): SendOutcome {
  return seconds === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs: seconds * 1000 };
}
