import type { FieldViolation } from '@omni/errors';
import { Writer } from 'protobufjs/minimal';

/** Trailer of gRPC's rich error model; grpcurl and Google's client libraries decode it. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const tag = (field: number, wireType: number) => (field << 3) | wireType;

/**
 * Encodes a google.rpc.Status carrying BadRequest field violations and
 * RetryInfo, so clients read them typed instead of parsing messages. Written
 * by hand: five tiny messages do not justify shipping google/rpc protos.
 */
export function encodeStatusDetails(
  code: number,
  message: string,
  violations: readonly FieldViolation[] | undefined,
  retryAfterSeconds: number | undefined,
): Buffer | undefined {
  const anys: Array<[string, Uint8Array]> = [];
  if (violations && violations.length > 0) anys.push([BAD_REQUEST_TYPE, badRequest(violations)]);
  if (retryAfterSeconds !== undefined) anys.push([RETRY_INFO_TYPE, retryInfo(retryAfterSeconds)]);
  if (anys.length === 0) return undefined;

  const status = Writer.create();
  if (code !== 0) status.uint32(tag(1, VARINT)).int32(code);
  if (message) status.uint32(tag(2, LENGTH_DELIMITED)).string(message);
  for (const [typeUrl, value] of anys) {
    status.uint32(tag(3, LENGTH_DELIMITED)).fork();
    status.uint32(tag(1, LENGTH_DELIMITED)).string(typeUrl);
    status.uint32(tag(2, LENGTH_DELIMITED)).bytes(value);
    status.ldelim();
  }
  return Buffer.from(status.finish());
}

function badRequest(violations: readonly FieldViolation[]): Uint8Array {
  const w = Writer.create();
  for (const v of violations) {
    w.uint32(tag(1, LENGTH_DELIMITED)).fork();
    w.uint32(tag(1, LENGTH_DELIMITED)).string(v.field);
    w.uint32(tag(2, LENGTH_DELIMITED)).string(v.reason);
    w.ldelim();
  }
  return w.finish();
}

function retryInfo(seconds: number): Uint8Array {
  const whole = Math.max(0, Math.floor(seconds));
  const nanos = Math.max(0, Math.round((seconds - whole) * 1e9));
  const w = Writer.create();
  w.uint32(tag(1, LENGTH_DELIMITED)).fork();
  if (whole !== 0) w.uint32(tag(1, VARINT)).int64(whole);
  if (nanos !== 0) w.uint32(tag(2, VARINT)).int32(nanos);
  w.ldelim();
  return w.finish();
}
