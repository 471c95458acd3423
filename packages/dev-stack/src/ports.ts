import * as net from 'node:net';

export const LOOPBACK = '127.0.0.1';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function isPortFree(port: number): Promise<boolean> {
  try {
    await close(await listen(port));
    return true;
  } catch {
    return false;
  }
}

/**
 * Distinct free loopback ports chosen by the kernel (bind to port 0). All are held open until
 * every one is chosen so the same port is never handed out twice.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Fails with a message naming the service and the env variable that moves it. */
export async function assertPortsFree(ports: { port: number; what: string; envVar?: string }[]): Promise<void> {
  const busy: string[] = [];
  for (const p of ports) {
    if (!(await isPortFree(p.port))) {
      busy.push(
        `${p.what} port ${LOOPBACK}:${p.port} is already in use${p.envVar ? ` (choose another with ${p.envVar})` : ''}`,
      );
    }
  }
  if (busy.length > 0) throw new Error(busy.join('; '));
}

export function parsePort(value: string | undefined, envVar: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${envVar}=${value} is not a valid TCP port`);
  return n;
}
