export { type ErrorBody, type ErrorResponse, httpStatusFor, toErrorResponse } from './error-response';
export { createHttpApp, finalizeHttpApp, type HttpApp, type HttpAppOptions } from './http-app';
export { type HttpServerOptions, type RunningHttpServer, startHttpServer } from './http-server';
export { createMetricsRegistry } from './metrics-registry';
export { type ReadinessCheck, type ReadinessReport, runReadinessChecks } from './readiness';
export { requestIdOf } from './request-id';
export type { RouteBodyOptions } from './route-bodies';
