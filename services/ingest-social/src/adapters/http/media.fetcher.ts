import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BlobStore } from '@omni/blob-store';
import type { BlobRef } from '@omni/contracts';
import type { SocialInbox } from '../../domain/inbox-directory';
import type { MediaFetcher } from '../../domain/social-ingest';
import type { MediaSource } from '../../domain/social-message';
import { ByteLimit } from './byte-limit';
import { hostAllowed } from './host-allowlist';

export interface MediaFetcherSettings {
  blobs: BlobStore;
  /** Hosts (and their subdomains) attachment URLs from payloads may point at. */
  allowedHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  graphBase: string;
  graphVersion: string;
  telegramBase: string;
}

const MAX_REDIRECTS = 3;

/**
 * Copies platform attachments into the blob store. URLs taken from a payload must
 * point at an allowed platform host (also after redirects), so a webhook cannot
 * make us fetch from inside our network; media ids are resolved through the
 * configured platform APIs first.
 */
export class PlatformMediaFetcher implements MediaFetcher {
  constructor(private readonly settings: MediaFetcherSettings) {}

  async fetch(source: MediaSource, inbox: SocialInbox): Promise<{ blob: BlobRef; filename: string }> {
    if (source.kind === 'url') return this.download(source.url, {}, '');
    if (source.kind === 'whatsapp-media') {
      if (inbox.channel !== 'whatsapp') throw new Error('media id outside a WhatsApp inbox');
      const auth = { authorization: `Bearer ${inbox.accessToken}` };
      const { graphBase, graphVersion } = this.settings;
      const meta = await this.json(`${graphBase}/${graphVersion}/${encodeURIComponent(source.mediaId)}`, auth);
      if (typeof meta.url !== 'string') throw new Error('the media lookup answered without a url');
      return this.download(meta.url, auth, source.filename ?? '');
    }
    if (inbox.channel !== 'telegram') throw new Error('file id outside a Telegram inbox');
    const base = `${this.settings.telegramBase}/bot${inbox.botToken}`;
    const answer = await this.json(`${base}/getFile?file_id=${encodeURIComponent(source.fileId)}`, {});
    const path = (answer.result as { file_path?: unknown } | undefined)?.file_path;
    if (typeof path !== 'string') throw new Error('getFile answered without a file_path');
    const filename = source.filename ?? path.split('/').pop() ?? '';
    // The file URL carries the bot token: it is fetched but never stored or logged.
    return this.store(await this.get(`${this.settings.telegramBase}/file/bot${inbox.botToken}/${path}`, {}), filename);
  }

  private async json(url: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
    const response = await this.get(url, headers);
    if (!response.ok) throw new Error(`media lookup answered HTTP ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  }

  private async download(url: string, headers: Record<string, string>, filename: string) {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      if (!hostAllowed(current, this.settings.allowedHosts)) throw new Error('attachment host is not on the allowlist');
      const response = await this.get(current, headers, 'manual');
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).toString();
        continue;
      }
      return this.store(response, filename || new URL(current).pathname.split('/').pop() || '');
    }
    throw new Error('too many redirects');
  }

  private get(
    url: string,
    headers: Record<string, string>,
    redirect: 'follow' | 'manual' = 'follow',
  ): Promise<Response> {
    return fetch(url, { headers, redirect, signal: AbortSignal.timeout(this.settings.timeoutMs) });
  }

  private async store(response: Response, filename: string): Promise<{ blob: BlobRef; filename: string }> {
    if (!response.ok || !response.body) throw new Error(`attachment download answered HTTP ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > this.settings.maxBytes) {
      await response.body.cancel();
      throw new Error(`attachment of ${declared} bytes exceeds ${this.settings.maxBytes}`);
    }
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
    const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const limited = source.pipe(new ByteLimit(this.settings.maxBytes));
    // pipe() does not forward errors: a broken download must fail the upload, not leave it waiting.
    source.once('error', (error) => limited.destroy(error));
    const blob = await this.settings.blobs.put(limited, { contentType, filename: filename || undefined });
    return { blob, filename };
  }
}
