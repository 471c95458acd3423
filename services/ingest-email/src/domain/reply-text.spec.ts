import { stripQuotedReply } from './reply-text';

test('keeps a mail without history as it is, minus trailing blank lines', () => {
  expect(stripQuotedReply('Hello,\n\nall good.\n\n')).toBe('Hello,\n\nall good.');
});

test('cuts at the first quoted line', () => {
  expect(stripQuotedReply('Yes please.\n> Shall we send it?\n> > earlier')).toBe('Yes please.');
});

test('cuts Gmail\'s "On ... wrote:" attribution, also when wrapped', () => {
  const text = 'Thanks!\n\nOn Wed, Nov 18, 2026 at 4:12 PM Acme Support <\nsupport@acme.test> wrote:\n\n> Hi';
  expect(stripQuotedReply(text)).toBe('Thanks!');
  expect(
    stripQuotedReply('Danke!\r\n\r\nAm 18.11.2026 um 16:12 schrieb Acme Support <support@acme.test>:\r\n> Hallo'),
  ).toBe('Danke!');
});

test("cuts Outlook's original-message separator and header block", () => {
  expect(stripQuotedReply('Fine.\n\n-----Original Message-----\nFrom: A\nSent: today\n\nold')).toBe('Fine.');
  expect(stripQuotedReply('Fine.\n\nFrom: Acme Support <support@acme.test>\nSent: Wednesday\nTo: x\n\nold')).toBe(
    'Fine.',
  );
  expect(stripQuotedReply('Fine.\n\n________________________________\nVon: Acme\nGesendet: Mittwoch\n')).toBe('Fine.');
});

test('does not cut ordinary lines that merely start like an attribution', () => {
  const text = 'On Monday I will be away.\nFrom: the warehouse, nothing yet.';
  expect(stripQuotedReply(text)).toBe(text);
});
