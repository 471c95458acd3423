import type { ChannelsConfig } from '@omni/config';

export interface InboxMatch {
  tenantId: string;
  inboxId: string;
  /** The inbox address the recipient matched, without a plus tag. */
  address: string;
}

export interface ParsedAddress {
  local: string;
  /** What followed "+" in the local part, or '' without one. */
  tag: string;
  domain: string;
}

/** Splits `local+tag@domain` (lower-cased); undefined for something that is not an address. */
export function parseAddress(address: string): ParsedAddress | undefined {
  const trimmed = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return undefined;
  const localPart = trimmed.slice(0, at);
  const plus = localPart.indexOf('+');
  return {
    local: plus < 0 ? localPart : localPart.slice(0, plus),
    tag: plus < 0 ? '' : localPart.slice(plus + 1),
    domain: trimmed.slice(at + 1),
  };
}

/** The conversation token of `local+c_<token>@domain`, lower-cased, or '' when the address carries none. */
export function conversationTokenOf(address: string): string {
  const tag = parseAddress(address)?.tag ?? '';
  const match = /^c_([a-z0-9]{8,64})$/.exec(tag);
  return match ? (match[1] ?? '') : '';
}

/** Which tenant's email inbox an address belongs to; plus-addressed variants match their base address. */
export class InboxDirectory {
  private readonly byAddress = new Map<string, InboxMatch>();

  constructor(channels: ChannelsConfig) {
    for (const tenant of channels.tenants) {
      for (const inbox of tenant.inboxes) {
        if (inbox.channel !== 'email') continue;
        for (const address of inbox.addresses) {
          this.byAddress.set(address.toLowerCase(), { tenantId: tenant.id, inboxId: inbox.id, address });
        }
      }
    }
  }

  get size(): number {
    return this.byAddress.size;
  }

  resolve(address: string): InboxMatch | undefined {
    const parsed = parseAddress(address);
    if (!parsed) return undefined;
    return this.byAddress.get(`${parsed.local}@${parsed.domain}`);
  }
}
