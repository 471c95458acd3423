import { classifyRelayError } from './outbound-relay-errors';

describe('classifyRelayError', () => {
  it('fails a 5xx for good with the relay text, and retries 4xx and 503', () => {
    const rejected = { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user' };
    expect(classifyRelayError(rejected)).toEqual({ kind: 'permanent', reason: '550 5.1.1 No such user' });
    expect(classifyRelayError({ code: 'EENVELOPE', responseCode: 451, response: '451 later' }).kind).toBe('transient');
    expect(classifyRelayError({ code: 'EMESSAGE', responseCode: 503, response: '503 bad sequence' }).kind).toBe(
      'transient',
    );
  });

  it('retries connection trouble and relay authentication failures', () => {
    expect(classifyRelayError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).kind).toBe('transient');
    expect(classifyRelayError({ code: 'ETIMEDOUT', message: 'Greeting never received' }).kind).toBe('transient');
    expect(classifyRelayError({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' }).kind).toBe(
      'transient',
    );
  });

  it('fails message errors without a reply code, and leaves anything else to the caller', () => {
    expect(classifyRelayError({ code: 'EENVELOPE', message: 'No recipients defined' }).kind).toBe('permanent');
    expect(classifyRelayError(new TypeError('bug')).kind).toBe('unknown');
    expect(classifyRelayError('odd').kind).toBe('unknown');
  });
});
