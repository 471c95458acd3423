/** Platform CDNs attachments are served from; ATTACHMENT_ALLOWED_HOSTS replaces the list. */
export const DEFAULT_ATTACHMENT_HOSTS = [
  'fbcdn.net',
  'fbsbx.com',
  'cdninstagram.com',
  'api.telegram.org',
  'graph.facebook.com',
];

/** Whether a URL is http(s) on an allowed host or one of its subdomains. */
export function hostAllowed(url: string, allowed: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  return allowed.some((entry) => {
    const suffix = entry.toLowerCase();
    return host === suffix || host.endsWith(`.${suffix}`);
  });
}
