import * as net from 'node:net';
import { assertPortsFree, findFreePorts, isPortFree, parsePort } from './ports';

describe('ports', () => {
  it('finds distinct free loopback ports', async () => {
    const ports = await findFreePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
  });

  it('names the service and env variable of a busy port', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(assertPortsFree([{ port, what: 'Kafka', envVar: 'OMNI_STACK_KAFKA_PORT' }])).rejects.toThrow(
        `Kafka port 127.0.0.1:${port} is already in use (choose another with OMNI_STACK_KAFKA_PORT)`,
      );
    } finally {
      server.close();
    }
  });

  it('validates port env values', () => {
    expect(parsePort(undefined, 'X')).toBeUndefined();
    expect(parsePort('19092', 'X')).toBe(19092);
    expect(() => parsePort('70000', 'X')).toThrow('X=70000 is not a valid TCP port');
  });
});
