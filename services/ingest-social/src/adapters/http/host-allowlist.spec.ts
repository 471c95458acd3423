import { hostAllowed } from './host-allowlist';

describe('hostAllowed', () => {
  const allowed = ['fbcdn.net', 'api.telegram.org'];

  it('allows listed hosts and their subdomains', () => {
    expect(hostAllowed('https://scontent-x.xx.fbcdn.net/v/a.jpg?oh=1', allowed)).toBe(true);
    expect(hostAllowed('https://api.telegram.org/file/bot1:x/a.jpg', allowed)).toBe(true);
  });

  it('refuses look-alikes, other schemes, credentials and garbage', () => {
    expect(hostAllowed('https://evilfbcdn.net/a', allowed)).toBe(false);
    expect(hostAllowed('https://fbcdn.net.evil.com/a', allowed)).toBe(false);
    expect(hostAllowed('file:///etc/passwd', allowed)).toBe(false);
    expect(hostAllowed('https://user:pw@fbcdn.net/a', allowed)).toBe(false);
    expect(hostAllowed('http://169.254.169.254/latest', allowed)).toBe(false);
    expect(hostAllowed('not a url', allowed)).toBe(false);
  });
});
