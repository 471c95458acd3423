import type { Logger } from '@omni/logging';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { type ReadinessCheck, runReadinessChecks } from './readiness';

export interface OperationalRoutesOptions {
  logger: Logger;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
  readinessTimeoutMs: number;
  isShuttingDown: () => boolean;
}

/** /healthz (alive), /readyz (dependencies reachable) and /metrics, for kubelet and Prometheus. */
export function operationalRoutes(options: OperationalRoutesOptions): Router {
  const { logger, registry, readiness, readinessTimeoutMs, isShuttingDown } = options;
  const router = Router();
  // Logged on change only: a probe every few seconds would repeat the same line for hours.
  let wasReady: boolean | undefined;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (isShuttingDown()) {
      // Dependencies are being closed on purpose; only draining matters now.
      res.status(503).json({ status: 'not_ready', checks: { shutdown: 'error: shutting down' } });
      return;
    }
    const report = await runReadinessChecks(readiness, readinessTimeoutMs);
    if (report.ready !== wasReady) {
      if (report.ready) logger.info({ checks: report.checks }, 'ready');
      else logger.warn({ checks: report.checks }, 'not ready');
      wasReady = report.ready;
    }
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  return router;
}
