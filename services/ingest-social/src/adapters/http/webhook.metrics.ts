import { Counter, type Registry } from 'prom-client';

export type WebhookOutcome =
  | 'ingested'
  | 'unsupported'
  | 'echo'
  | 'status'
  | 'unknown_account'
  | 'unknown_object'
  | 'ignored_change'
  | 'bad_signature'
  | 'publish_failed';

/** What webhooks brought and what became of it, per channel family. */
export class WebhookMetrics {
  private readonly events: Counter<'channel' | 'outcome'>;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'social_webhook_events_total',
      help: 'Webhook messages, events and refusals by channel and outcome',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
  }

  count(channel: string, outcome: WebhookOutcome, n = 1): void {
    if (n > 0) this.events.inc({ channel, outcome }, n);
  }
}
