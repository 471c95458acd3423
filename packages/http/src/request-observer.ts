import type { Logger } from '@omni/logging';
import type { Request, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { requestIdOf } from './request-id';

const METRIC = 'http_server_request_duration_seconds';
/** Probes arrive every few seconds from every kubelet; at info they would drown real traffic. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** nginx's convention for "client went away before we answered". */
const CLIENT_CLOSED = 499;

/**
 * One histogram sample and one log line per request, labelled by route
 * template (`/conversations/:id`), never by raw path, to bound cardinality.
 */
export function observeRequests(logger: Logger, registry: Registry): RequestHandler {
  const histogram = requestHistogram(registry);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const route = routeTemplateOf(req);
      histogram.observe({ method: req.method, route, status_code: String(status) }, seconds);
      const path = req.originalUrl.split('?', 1)[0] ?? '';
      const line = {
        requestId: requestIdOf(res),
        method: req.method,
        route,
        path,
        status,
        durationMs: Math.round(seconds * 1e4) / 10,
      };
      if (QUIET_PATHS.has(path)) logger.debug(line, 'http request');
      else logger.info(line, 'http request');
    });
    next();
  };
}

function routeTemplateOf(req: Request): string {
  const route: unknown = req.route;
  if (typeof route !== 'object' || route === null || !('path' in route)) return 'unmatched';
  return `${req.baseUrl}${String(route.path)}`;
}

/** Reused when a second app shares the registry, since prom-client refuses duplicates. */
function requestHistogram(registry: Registry): Histogram<'method' | 'route' | 'status_code'> {
  const existing = registry.getSingleMetric(METRIC);
  if (existing instanceof Histogram) return existing as Histogram<'method' | 'route' | 'status_code'>;
  return new Histogram({
    name: METRIC,
    help: 'Duration of HTTP requests served, by method, route template and status.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}
