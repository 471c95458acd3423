import { botIdOf, InboxDirectory } from './inbox-directory';

const directory = new InboxDirectory({
  tenants: [
    {
      id: 'acme',
      name: 'Acme',
      inboxes: [
        { id: 'mail', channel: 'email', addresses: ['a@acme.test'], fromAddress: 'a@acme.test' },
        {
          id: 'fb',
          channel: 'messenger',
          accountId: '1',
          appSecret: 'fb-secret-1',
          verifyToken: 'fb-verify-1',
          pageAccessToken: 'token-1234',
        },
        {
          id: 'ig',
          channel: 'instagram',
          accountId: '1',
          appSecret: 'ig-secret-1',
          verifyToken: 'ig-verify-1',
          pageAccessToken: 'token-1234',
        },
        {
          id: 'wa',
          channel: 'whatsapp',
          phoneNumberId: '9',
          appSecret: 'wa-secret-1',
          verifyToken: 'wa-verify-1',
          accessToken: 'token-1234',
        },
      ],
    },
  ],
});

describe('InboxDirectory', () => {
  it('routes Meta accounts per channel, so a page and an Instagram account may share an id', () => {
    expect(directory.metaAccount('messenger', '1')?.inbox.id).toBe('fb');
    expect(directory.metaAccount('instagram', '1')?.inbox.id).toBe('ig');
    expect(directory.metaAccount('messenger', '2')).toBeUndefined();
    expect(directory.whatsappNumber('9')).toMatchObject({ tenantId: 'acme', inbox: { id: 'wa' } });
    expect(directory.inbox('mail')).toBeUndefined();
  });

  it('matches verify tokens within their family only', () => {
    expect(directory.verifyTokenMatches('meta', 'ig-verify-1')).toBe(true);
    expect(directory.verifyTokenMatches('meta', 'wa-verify-1')).toBe(false);
    expect(directory.verifyTokenMatches('whatsapp', 'wa-verify-1')).toBe(true);
    expect(directory.verifyTokenMatches('whatsapp', undefined)).toBe(false);
    expect(directory.appSecrets('meta')).toEqual(['fb-secret-1', 'ig-secret-1']);
  });

  it('reads the bot id from its token', () => {
    expect(botIdOf('123456:ABC-def')).toBe('123456');
  });
});
