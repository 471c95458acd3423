import type { ChannelsConfig, InboxConfig } from '@omni/config';
import { secretEquals } from './webhook-signature';

type Social<C extends InboxConfig['channel']> = Extract<InboxConfig, { channel: C }>;
export type MetaInbox = Social<'messenger' | 'instagram'>;
export type WhatsAppInbox = Social<'whatsapp'>;
export type TelegramInbox = Social<'telegram'>;
export type SocialInbox = MetaInbox | WhatsAppInbox | TelegramInbox;

export interface Routed<I> {
  tenantId: string;
  inbox: I;
}

/** The social inboxes of every tenant, looked up the ways webhooks and replies name them. */
export class InboxDirectory {
  private readonly byId = new Map<string, Routed<SocialInbox>>();
  private readonly byAccount = new Map<string, Routed<MetaInbox>>();
  private readonly byPhoneNumberId = new Map<string, Routed<WhatsAppInbox>>();

  constructor(config: ChannelsConfig) {
    for (const tenant of config.tenants) {
      for (const inbox of tenant.inboxes) {
        if (inbox.channel === 'email') continue;
        this.byId.set(inbox.id, { tenantId: tenant.id, inbox });
        if (inbox.channel === 'messenger' || inbox.channel === 'instagram') {
          this.byAccount.set(`${inbox.channel}:${inbox.accountId}`, { tenantId: tenant.id, inbox });
        } else if (inbox.channel === 'whatsapp') {
          this.byPhoneNumberId.set(inbox.phoneNumberId, { tenantId: tenant.id, inbox });
        }
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  inbox(id: string): Routed<SocialInbox> | undefined {
    return this.byId.get(id);
  }

  metaAccount(channel: 'messenger' | 'instagram', accountId: string): Routed<MetaInbox> | undefined {
    return this.byAccount.get(`${channel}:${accountId}`);
  }

  whatsappNumber(phoneNumberId: string): Routed<WhatsAppInbox> | undefined {
    return this.byPhoneNumberId.get(phoneNumberId);
  }

  telegram(inboxId: string): Routed<TelegramInbox> | undefined {
    const found = this.byId.get(inboxId);
    return found?.inbox.channel === 'telegram' ? (found as Routed<TelegramInbox>) : undefined;
  }

  /** App secrets of a family, for calls that name no inbox (unknown objects, account-level changes). */
  appSecrets(family: 'meta' | 'whatsapp'): string[] {
    return this.family(family).map((r) => r.inbox.appSecret);
  }

  /** Whether the subscription handshake's hub.verify_token is one of the family's inboxes'. */
  verifyTokenMatches(family: 'meta' | 'whatsapp', token: string | undefined): boolean {
    // Every candidate is compared, so timing does not reveal which inbox matched.
    return this.family(family).reduce((found, r) => secretEquals(token, r.inbox.verifyToken) || found, false);
  }

  private family(family: 'meta' | 'whatsapp'): Routed<MetaInbox | WhatsAppInbox>[] {
    const all = [...this.byId.values()];
    return all.filter((r): r is Routed<MetaInbox | WhatsAppInbox> =>
      family === 'whatsapp'
        ? r.inbox.channel === 'whatsapp'
        : r.inbox.channel === 'messenger' || r.inbox.channel === 'instagram',
    );
  }
}

/** A Telegram bot's id is its token's numeric prefix. */
export function botIdOf(botToken: string): string {
  return botToken.split(':')[0] ?? '';
}
