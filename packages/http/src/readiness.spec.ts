import { runReadinessChecks } from './readiness';

describe('runReadinessChecks', () => {
  it('is ready when every check passes', async () => {
    const report = await runReadinessChecks(
      [
        { name: 'kafka', check: async () => {} },
        { name: 'store', check: async () => {} },
      ],
      100,
    );
    expect(report).toEqual({ ready: true, checks: { kafka: 'ok', store: 'ok' } });
  });

  it('is ready with no checks', async () => {
    expect(await runReadinessChecks([], 100)).toEqual({ ready: true, checks: {} });
  });

  it('reports each failure by name with its reason', async () => {
    const report = await runReadinessChecks(
      [
        { name: 'kafka', check: async () => {} },
        { name: 'store', check: async () => Promise.reject(new Error('connection refused')) },
        {
          name: 'sync',
          check: () => {
            throw new Error('not connected');
          },
        },
      ],
      100,
    );
    expect(report).toEqual({
      ready: false,
      checks: { kafka: 'ok', store: 'error: connection refused', sync: 'error: not connected' },
    });
  });

  it('bounds each check, in parallel, honouring a per-check timeout', async () => {
    const hang = () => new Promise<void>(() => {});
    const started = Date.now();
    const report = await runReadinessChecks(
      [
        { name: 'slow', check: hang },
        { name: 'slower', check: hang },
        { name: 'quick', check: hang, timeoutMs: 20 },
      ],
      150,
    );
    expect(Date.now() - started).toBeLessThan(400);
    expect(report.checks).toEqual({
      slow: 'error: timed out after 150 ms',
      slower: 'error: timed out after 150 ms',
      quick: 'error: timed out after 20 ms',
    });
  });
});
