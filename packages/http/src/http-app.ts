import type { Logger } from '@omni/logging';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorHandler, notFoundHandler } from './error-handler';
import { createMetricsRegistry } from './metrics-registry';
import { operationalRoutes } from './operational-routes';
import type { ReadinessCheck } from './readiness';
import { requestId } from './request-id';
import { observeRequests } from './request-observer';
import { RouteBodies, type RouteBodyOptions } from './route-bodies';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  /** Pass the service's shared registry so Kafka and Mongo metrics appear on the same /metrics. */
  registry?: Registry;
  readiness?: readonly ReadinessCheck[];
  /** Bound on each readiness check, so /readyz answers before the probe's own timeout. */
  readinessTimeoutMs?: number;
  /** Largest JSON body accepted; larger ones get 413. */
  bodyLimit?: string | number;
  /** Express's 'trust proxy' setting; needed behind an ingress for the client's address. */
  trustProxy?: boolean | number | string | string[];
}

export interface HttpApp {
  /** Mount the service's routes here, then call finalizeHttpApp(app). */
  readonly app: Express;
  /**
   * Reads the bodies of requests to `path` and below with their own limit and format
   * (a webhook signed over its raw bytes, a provider that posts large JSON). The longest
   * matching path wins; every other request keeps the shared JSON parser.
   */
  bodyFor(path: string, options: RouteBodyOptions): void;
  readonly registry: Registry;
  /** Turns /readyz to 503 so load balancers stop sending work before the server closes. */
  setShuttingDown(): void;
}

/** The error handlers, kept until finalizeHttpApp mounts them after the service's routes. */
const pendingFinalizers = new WeakMap<Express, () => void>();

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { logger } = options;
  const registry = options.registry ?? createMetricsRegistry(options.service);
  let shuttingDown = false;

  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  app.use(requestId());
  app.use(observeRequests(logger, registry));
  app.use(
    operationalRoutes({
      logger,
      registry,
      readiness: options.readiness ?? [],
      readinessTimeoutMs: options.readinessTimeoutMs ?? 2000,
      isShuttingDown: () => shuttingDown,
    }),
  );
  const bodies = new RouteBodies(options.bodyLimit ?? '1mb');
  app.use(bodies.middleware);

  pendingFinalizers.set(app, () => {
    app.use(notFoundHandler());
    app.use(errorHandler(logger));
  });

  return {
    app,
    registry,
    bodyFor: (path, body) => bodies.add(path, body),
    setShuttingDown: () => {
      shuttingDown = true;
    },
  };
}

/**
 * Mounts the 404 and error handlers. They must come after every route, which
 * only the service knows the end of, hence a separate call.
 */
export function finalizeHttpApp(app: Express): void {
  const finalize = pendingFinalizers.get(app);
  if (!finalize) throw new Error('finalizeHttpApp: app was not made by createHttpApp, or is already final');
  pendingFinalizers.delete(app);
  finalize();
}
