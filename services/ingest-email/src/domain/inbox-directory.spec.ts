import { conversationTokenOf, InboxDirectory, parseAddress } from './inbox-directory';

const directory = new InboxDirectory({
  tenants: [
    {
      id: 'acme',
      name: 'Acme',
      inboxes: [
        { id: 'support', channel: 'email', addresses: ['support@acme.test'], fromAddress: 'support@acme.test' },
      ],
    },
  ],
});

test('parseAddress splits local part, plus tag and domain', () => {
  expect(parseAddress('<Support+C_Abc@Acme.Test>')).toEqual({ local: 'support', tag: 'c_abc', domain: 'acme.test' });
  expect(parseAddress('not an address')).toBeUndefined();
  expect(parseAddress('@acme.test')).toBeUndefined();
});

test('an inbox address matches with or without a plus tag, in any case', () => {
  expect(directory.resolve('support@acme.test')).toEqual({
    tenantId: 'acme',
    inboxId: 'support',
    address: 'support@acme.test',
  });
  expect(directory.resolve('SUPPORT+anything@ACME.test')?.inboxId).toBe('support');
  expect(directory.resolve('sales@acme.test')).toBeUndefined();
  expect(directory.resolve('support@other.test')).toBeUndefined();
});

test('conversationTokenOf reads the c_ token of a plus address only', () => {
  expect(conversationTokenOf('support+c_k3q9x2m7p4t8w6z5@acme.test')).toBe('k3q9x2m7p4t8w6z5');
  expect(conversationTokenOf('Support+C_K3Q9X2M7P4T8W6Z5@acme.test')).toBe('k3q9x2m7p4t8w6z5');
  expect(conversationTokenOf('support+newsletter@acme.test')).toBe('');
  expect(conversationTokenOf('support+c_!!@acme.test')).toBe('');
  expect(conversationTokenOf('support@acme.test')).toBe('');
});
