import { interpretSendResponse } from './platform-response';

describe('interpretSendResponse', () => {
  it('reads the sent message id of each platform', () => {
    expect(interpretSendResponse('messenger', 200, { recipient_id: '1', message_id: 'm_1' }, null)).toEqual({
      kind: 'sent',
      channelMessageId: 'm_1',
    });
    expect(
      interpretSendResponse(
        'whatsapp',
        200,
        { messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.X' }] },
        null,
      ),
    ).toEqual({ kind: 'sent', channelMessageId: 'wamid.X' });
    expect(
      interpretSendResponse('telegram', 200, { ok: true, result: { message_id: 42, chat: { id: 777 } } }, null),
    ).toEqual({
      kind: 'sent',
      channelMessageId: '777:42',
    });
  });

  it('retries Telegram 429 after parameters.retry_after', () => {
    const body = {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    };
    expect(interpretSendResponse('telegram', 429, body, null)).toEqual({
      kind: 'retry',
      reason: body.description,
      retryAfterMs: 3000,
    });
  });

  it('retries Graph throttling and 5xx, honouring Retry-After', () => {
    const throttled = { error: { message: '(#4) Application request limit reached', code: 4 } };
    expect(interpretSendResponse('messenger', 400, throttled, null)).toMatchObject({ kind: 'retry' });
    expect(interpretSendResponse('whatsapp', 503, undefined, '7')).toEqual({
      kind: 'retry',
      reason: 'whatsapp answered HTTP 503',
      retryAfterMs: 7000,
    });
  });

  it('fails other 4xx with the platform message', () => {
    const body = {
      error: { message: '(#100) No matching user found', type: 'OAuthException', code: 100, fbtrace_id: 'x' },
    };
    expect(interpretSendResponse('instagram', 400, body, null)).toEqual({
      kind: 'failed',
      reason: '(#100) No matching user found',
    });
    expect(
      interpretSendResponse(
        'telegram',
        400,
        { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
        null,
      ),
    ).toEqual({
      kind: 'failed',
      reason: 'Bad Request: chat not found',
    });
  });
});
