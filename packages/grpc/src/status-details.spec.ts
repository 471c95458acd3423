import { Root } from 'protobufjs';
import { encodeStatusDetails } from './status-details';

// The published google.rpc shapes, to check the hand-written encoder against a real decoder.
const root = Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            BadRequest: {
              fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } },
                },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
  },
});

const decode = (name: string, bytes: Uint8Array) =>
  root.lookupType(name).toObject(root.lookupType(name).decode(bytes), { longs: Number, defaults: true });

describe('encodeStatusDetails', () => {
  it('returns nothing when there are no details to carry', () => {
    expect(encodeStatusDetails(5, 'not found', undefined, undefined)).toBeUndefined();
    expect(encodeStatusDetails(5, 'not found', [], undefined)).toBeUndefined();
  });

  it('encodes a google.rpc.Status with BadRequest and RetryInfo', () => {
    const bytes = encodeStatusDetails(
      3,
      'invalid request',
      [
        { field: 'email', reason: 'must be an address' },
        { field: 'text', reason: 'required' },
      ],
      1.5,
    );
    expect(bytes).toBeDefined();
    const statusMessage = decode('google.rpc.Status', bytes as Buffer);
    expect(statusMessage.code).toBe(3);
    expect(statusMessage.message).toBe('invalid request');
    const [badRequest, retryInfo] = statusMessage.details as Array<{ type_url: string; value: Uint8Array }>;
    expect(badRequest?.type_url).toBe('type.googleapis.com/google.rpc.BadRequest');
    expect(decode('google.rpc.BadRequest', badRequest?.value ?? new Uint8Array())).toEqual({
      field_violations: [
        { field: 'email', description: 'must be an address' },
        { field: 'text', description: 'required' },
      ],
    });
    expect(retryInfo?.type_url).toBe('type.googleapis.com/google.rpc.RetryInfo');
    expect(decode('google.rpc.RetryInfo', retryInfo?.value ?? new Uint8Array())).toEqual({
      retry_delay: { seconds: 1, nanos: 500_000_000 },
    });
  });
});
