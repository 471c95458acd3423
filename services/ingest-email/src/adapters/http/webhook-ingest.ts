import { isBlobTooLargeError } from '@omni/blob-store';
import { NotFoundError, UnavailableError } from '@omni/errors';
import type { Logger } from '@omni/logging';
import type { AssembledMail } from '../../domain/inbound-assembler';
import { payloadTooLarge } from './form-body';

/** Seconds a provider is asked to wait before retrying when the blob store or Kafka is down. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Runs one webhook's ingest and turns its outcome into the answer providers
 * understand: 200 once published, 503 with Retry-After when storing or
 * publishing failed (they retry, nothing is lost), 404 when no recipient is
 * an inbox of ours.
 */
export async function ingestForWebhook(
  provider: string,
  run: () => Promise<AssembledMail[]>,
  logger: Logger,
  limitBytes: number,
): Promise<{ accepted: string[] }> {
  let mails: AssembledMail[];
  try {
    mails = await run();
  } catch (error: unknown) {
    if (isBlobTooLargeError(error)) throw payloadTooLarge(limitBytes);
    logger.warn({ err: error, provider }, 'inbound webhook not accepted, asked the provider to retry');
    throw new UnavailableError('the mail could not be stored or published; retry later', {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      cause: error,
    });
  }
  if (mails.length === 0) throw new NotFoundError('none of the recipients is an inbox of this service');
  const accepted = mails.map((mail) => mail.message.id);
  logger.info({ provider, ids: accepted.join(' ') }, 'mail accepted');
  return { accepted };
}
