import { failureReason, isPermanentFailure, parseDeliveryReport, returnedMessageId } from './delivery-report';

const report = [
  'Reporting-MTA: dns; mx.acme.test',
  'Arrival-Date: Thu, 19 Nov 2026 17:59:58 +0000',
  '',
  'Final-Recipient: rfc822; nobody@customer.test',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <nobody@customer.test>:',
  ' Recipient address rejected',
  '',
].join('\r\n');

test('reads the per-recipient block of a delivery status', () => {
  const parsed = parseDeliveryReport(report);
  expect(parsed).toEqual({
    action: 'failed',
    status: '5.1.1',
    diagnosticCode: 'smtp; 550 5.1.1 <nobody@customer.test>: Recipient address rejected',
    finalRecipient: 'nobody@customer.test',
  });
  expect(parsed && isPermanentFailure(parsed)).toBe(true);
  expect(parsed && failureReason(parsed)).toBe('5.1.1 550 5.1.1 <nobody@customer.test>: Recipient address rejected');
});

test('a delay notice is not a failure', () => {
  const delayed = parseDeliveryReport('Final-Recipient: rfc822; a@b\nAction: delayed\nStatus: 4.4.1\n');
  expect(delayed && isPermanentFailure(delayed)).toBe(false);
  expect(parseDeliveryReport('no fields here')).toBeUndefined();
});

test('finds the Message-ID of the returned message', () => {
  expect(returnedMessageId('From: a@b\r\nMessage-ID:\r\n <msg_1.conv_2@mail.omni.invalid>\r\n\r\nbody')).toBe(
    'msg_1.conv_2@mail.omni.invalid',
  );
  expect(returnedMessageId('Subject: none\n\nMessage-ID: <in-body@x>')).toBe('');
});
