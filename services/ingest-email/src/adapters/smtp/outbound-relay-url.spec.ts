import { relayTarget } from './outbound-relay-url';

describe('relayTarget', () => {
  it('reads host, port, TLS mode and percent-encoded credentials, and describes itself without them', () => {
    const target = relayTarget('smtp://mailer%40acme:p%3Ass%2Fword@relay.acme.test:2525');
    expect(target.host).toBe('relay.acme.test:2525');
    expect(target.options).toMatchObject({
      pool: true,
      host: 'relay.acme.test',
      port: 2525,
      secure: false,
      auth: { user: 'mailer@acme', pass: 'p:ss/word' },
    });
    expect(JSON.stringify(target.host)).not.toContain('p:ss');
  });

  it('defaults to 587 (STARTTLS) for smtp:// and 465 (TLS) for smtps://, without auth when no user is given', () => {
    expect(relayTarget('smtp://relay.test').options).toMatchObject({ port: 587, secure: false, auth: undefined });
    expect(relayTarget('smtps://relay.test').options).toMatchObject({ port: 465, secure: true });
  });

  it('refuses other schemes without echoing credentials', () => {
    expect(() => relayTarget('https://user:secret@relay.test')).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => relayTarget('https://user:secret@relay.test')).not.toThrow(/secret/);
  });
});
