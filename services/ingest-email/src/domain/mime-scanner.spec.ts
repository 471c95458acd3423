import { isKnownCharset, MimeScanner } from './mime-scanner';

function scan(raw: string, chunkSize = 7) {
  const scanner = new MimeScanner();
  const bytes = Buffer.from(raw.replace(/\n/g, '\r\n'), 'latin1');
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
  return scanner.end();
}

test('a clean multipart mail has no problems and keeps its top-level headers', () => {
  const result = scan(
    'From: a@b\nSubject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\nContent-Type: multipart/mixed;\n boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\nhi\n--b1\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--b1--\n',
  );
  expect(result.problems).toEqual([]);
  expect(result.headers.get('subject')).toBe('=?utf-8?Q?Gr=C3=BC=C3=9Fe?=');
  expect(result.headers.get('content-type')).toBe('multipart/mixed; boundary="b1"');
});

test('flags a multipart without boundary, broken base64 and unknown charsets', () => {
  const result = scan(
    'Subject: =?x-klingon?Q?a?=\nContent-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain; charset=x-nope\n\nx\n--o\nContent-Transfer-Encoding: base64\n\n!!! not base64 ***\n--o\nContent-Type: multipart/alternative\n\nx\n--o--\n',
  );
  expect(result.problems.map((p) => p.code).sort()).toEqual(['invalid_base64', 'missing_boundary', 'unknown_charset']);
});

test('captures the delivery status and the returned message headers of a report', () => {
  const result = scan(
    'Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n--r\n\ntext\n--r\nContent-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: <m@x>\n--r--\n',
  );
  expect(result.deliveryStatus).toContain('Action: failed');
  expect(result.returnedHeaders).toContain('Message-ID: <m@x>');
});

test('knows the charsets mail uses', () => {
  for (const charset of ['UTF-8', 'iso-2022-jp', 'windows-1252', 'ISO-8859-1', 'koi8-r', 'gb2312', 'us-ascii']) {
    expect(isKnownCharset(charset)).toBe(true);
  }
  expect(isKnownCharset('x-no-such-charset')).toBe(false);
});
