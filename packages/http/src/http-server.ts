import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@omni/logging';

export interface HttpServerOptions {
  /** 0 picks a free port; read the chosen one from the result. */
  port: number;
  host?: string;
  /** How long close() lets in-flight requests run before cutting them. */
  closeTimeoutMs?: number;
  /** Told when close() had to cut requests that were still running. */
  logger?: Logger;
}

export interface RunningHttpServer {
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (within the bound), closes keep-alive sockets. */
  close(): Promise<void>;
}

/** How often close() drops connections that went idle since the last sweep. */
const IDLE_SWEEP_MS = 50;

export async function startHttpServer(app: RequestListener, options: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      // A keep-alive socket turns idle when its in-flight response ends; without
      // the sweep, close() would wait for the client's keep-alive timeout.
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      const deadline = setTimeout(() => {
        options.logger?.warn({ closeTimeoutMs }, 'http requests still running at close deadline; cutting them');
        server.closeAllConnections();
      }, closeTimeoutMs);
      server.close((err) => {
        clearInterval(sweep);
        clearTimeout(deadline);
        if (err) reject(err);
        else resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { port, close };
}
