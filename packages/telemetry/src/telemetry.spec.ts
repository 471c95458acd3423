import { context, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { commandShape, startTelemetry } from './telemetry';

const SAMPLED_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let sdk: NodeSDK | undefined;

function start(env: NodeJS.ProcessEnv): void {
  sdk = startTelemetry({ ...env });
  expect(sdk).toBeDefined();
}

afterEach(async () => {
  await sdk?.shutdown();
  sdk = undefined;
  trace.disable();
  context.disable();
  propagation.disable();
});

function rootSpan(): Span {
  return trace.getTracer('spec').startSpan('request', {}, ROOT_CONTEXT);
}

function childOfIncoming(traceparent: string): Span {
  const incoming = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getTracer('spec').startSpan('request', {}, incoming);
}

function outgoingHeaders(span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
  return headers;
}

describe('telemetry without an exporter', () => {
  it('gives every request a trace id that logs and Kafka headers carry, without recording the span', () => {
    start({});
    const span = rootSpan();
    expect(span.isRecording()).toBe(false);
    const { traceId } = span.spanContext();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    // Trace context still rides downstream, marked unsampled.
    expect(outgoingHeaders(span).traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    span.end();
  });

  it('continues a trace that came in sampled from a service that exports, so it is not cut', () => {
    start({});
    const span = childOfIncoming(SAMPLED_PARENT);
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(outgoingHeaders(span).traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    span.end();
  });

  it('lets OTEL_TRACES_SAMPLER choose otherwise', () => {
    start({ OTEL_TRACES_SAMPLER: 'always_on' });
    const span = rootSpan();
    expect(span.isRecording()).toBe(true);
    span.end();
  });

  it('is not started at all with OTEL_SDK_DISABLED', () => {
    expect(startTelemetry({ OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });
});

describe('telemetry with an exporter', () => {
  it('records requests that start here', () => {
    start({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces' });
    const span = rootSpan();
    expect(span.isRecording()).toBe(true);
    // Left open: only ended spans are exported, and nothing listens at that endpoint.
  });
});

describe('commandShape (db.query.text of a store command)', () => {
  const command = { find: 'customers', filter: { _id: 'cus_1', email: 'ada@example.com' }, limit: 1 };

  it('keeps the shape and hides every value in a recorded span', () => {
    start({});
    const span = childOfIncoming(SAMPLED_PARENT);
    const text = context.with(trace.setSpan(ROOT_CONTEXT, span), () => commandShape(command));
    expect(text).toBe('{"find":"?","filter":{"_id":"?","email":"?"},"limit":"?"}');
    expect(text).not.toContain('ada@example.com');
    span.end();
  });

  it('builds nothing for a span that is not recorded', () => {
    start({});
    const span = rootSpan();
    expect(context.with(trace.setSpan(ROOT_CONTEXT, span), () => commandShape(command))).toBe('');
    expect(commandShape(command)).toBe('');
    span.end();
  });
});
