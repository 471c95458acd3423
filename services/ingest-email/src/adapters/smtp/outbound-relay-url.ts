import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';

/** Where the relay is, for logs: host and port, never the credentials in the URL. */
export interface RelayTarget {
  options: SMTPPoolOptions & { pool: true };
  host: string;
}

/**
 * Transport options from `smtp://user:pass@host:587` (STARTTLS when the relay
 * offers it) or `smtps://…:465` (TLS from the first byte). Pooled, so a burst
 * of replies reuses a few connections; timeouts well under the Kafka session
 * timeout, so a hung relay fails an attempt rather than the consumer group.
 */
export function relayTarget(relayUrl: string): RelayTarget {
  const url = new URL(relayUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP relay URL must start with smtp:// or smtps:// (got ${url.protocol}//${url.host})`);
  }
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = decodeURIComponent(url.username);
  return {
    host: `${url.hostname}:${port}`,
    options: {
      pool: true as const,
      host: url.hostname,
      port,
      secure,
      auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
      maxConnections: 5,
      maxMessages: 100,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 15_000,
      dnsTimeout: 5_000,
      // Bodies come from agents: never let content point nodemailer at local files or URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    },
  };
}
