import { trace } from '@opentelemetry/api';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, NoopSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';

/** Whether the standard OTEL_* variables name somewhere to send traces. */
function tracesExporterConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * A command's shape with every value replaced by `?`, for `db.query.text`: the
 * values may be customers' data, and the shape is what tells queries apart.
 * Only for a span that will be recorded: the command's span is a child of the
 * active one (the instrumentation requires a parent), so when that parent is
 * not recorded neither is the command's, and the text (built before the span
 * starts) would be thrown away; a message's insert is tens of KB to walk.
 */
export function commandShape(command: Record<string, unknown>): string {
  if (!trace.getActiveSpan()?.isRecording()) return '';
  return JSON.stringify(command, (_key, value: unknown) => (typeof value === 'object' && value !== null ? value : '?'));
}

/**
 * Starts the OpenTelemetry Node SDK, configured only by the standard OTEL_*
 * variables. Without an exporter configured, spans are still created (through
 * a no-op processor) so log lines carry trace ids and trace context still rides
 * Kafka headers from service to service; nothing is sent anywhere. Such spans
 * start unrecorded (a trace id, a span id, no attributes or events: nobody
 * would read them), unless their parent came in sampled from a service that
 * exports, whose trace they then continue; `OTEL_TRACES_SAMPLER` overrides.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): NodeSDK | undefined {
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  // Metrics are served by each service's /metrics (Prometheus); logs go to stdout.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const exporting = tracesExporterConfigured(env);
  const sdk = new NodeSDK({
    ...(exporting ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
    ...(exporting || env.OTEL_TRACES_SAMPLER
      ? {}
      : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
      }),
      // The route still names the request's span; a span per middleware (body parser, auth, rate
      // limit) would cost each request more than the handler it measures.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch', 'ServerReflectionInfo'] }),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false, dbStatementSerializer: commandShape }),
    ],
  });
  sdk.start();
  return sdk;
}
