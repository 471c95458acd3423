import { createMetricsRegistry } from './metrics-registry';

describe('createMetricsRegistry', () => {
  it('holds default process metrics labelled with the service', async () => {
    const registry = createMetricsRegistry('conversation');
    const text = await registry.metrics();
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="conversation"\}/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds\{service="conversation"\}/);
  });

  it('gives each service its own registry', async () => {
    const a = createMetricsRegistry('a');
    const b = createMetricsRegistry('b');
    expect(a).not.toBe(b);
    expect(await b.metrics()).not.toContain('service="a"');
  });
});
