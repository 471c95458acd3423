import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry of its own per service rather than prom-client's global one, so
 * tests and two apps in one process never collide on metric names.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
