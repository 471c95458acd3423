import { createServer } from 'node:net';
import { startHttpServer } from './http-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startHttpServer', () => {
  it('listens on the actual port when asked for 0', async () => {
    const server = await startHttpServer((_req, res) => res.end('hi'), { port: 0, host: '127.0.0.1' });
    expect(server.port).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe('hi');
    await server.close();
  });

  it('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await expect(startHttpServer(() => {}, { port, host: '127.0.0.1' })).rejects.toThrow(/EADDRINUSE/);
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('lets an in-flight request finish, refuses new connections, and does not wait for keep-alive', async () => {
    const server = await startHttpServer(
      (_req, res) => {
        setTimeout(() => res.end('done'), 300);
      },
      { port: 0, host: '127.0.0.1' },
    );
    const url = `http://127.0.0.1:${server.port}/`;
    const inFlight = fetch(url).then((res) => res.text());
    await sleep(50);
    const started = Date.now();
    const closed = server.close();
    expect(await inFlight).toBe('done');
    await closed;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(200);
    expect(took).toBeLessThan(1500);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('cuts requests still running at the close bound', async () => {
    const server = await startHttpServer(() => {}, { port: 0, host: '127.0.0.1', closeTimeoutMs: 100 });
    const hanging = fetch(`http://127.0.0.1:${server.port}/`).catch((err: unknown) => err);
    await sleep(50);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    // fetch's error comes from another realm than jest's, so no instanceof.
    expect(await hanging).toHaveProperty('message', 'fetch failed');
  });

  it('returns the same promise when closed twice', async () => {
    const server = await startHttpServer((_req, res) => res.end(), { port: 0, host: '127.0.0.1' });
    expect(server.close()).toBe(server.close());
    await server.close();
  });
});
