import { type Context, context, propagation, type TextMapGetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => headerString(carrier[key]),
};

/** W3C trace context of the active span, as Kafka headers. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The producer's trace context, read back from a consumed message's headers. */
export function contextFromHeaders(headers: IHeaders | undefined): Context {
  return propagation.extract(context.active(), headers ?? {}, headerGetter);
}

export function headerString(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
