import type { AddressInfo } from 'node:net';
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import express from 'express';
import { serveChild } from './child-targets';

/**
 * The read bench's transport baselines, in a process of their own as the service is: a grpc-js
 * server answering every call with the bytes in BENCH_ECHO_BYTES (base64), and a bare express
 * handler answering with the body in BENCH_BARE_BODY. Reports `{ ports: { echo, bare } }`.
 */
export const ECHO_DEFINITION: ServiceDefinition = {
  echo: {
    path: '/bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

if (require.main === module) {
  serveChild('ports', async () => {
    const payload = Buffer.from(process.env.BENCH_ECHO_BYTES ?? '', 'base64');
    const body = process.env.BENCH_BARE_BODY ?? '';
    const server = new Server();
    server.addService(ECHO_DEFINITION, {
      echo: (_call: unknown, callback: (e: null, r: Buffer) => void) => callback(null, payload),
    });
    const echo = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const app = express();
    app.get('/bare', (_req, res) => {
      res.type('application/json').send(body);
    });
    const bare = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => bare.once('listening', resolve));
    return {
      ready: { echo, bare: (bare.address() as AddressInfo).port },
      stop: async () => {
        server.forceShutdown();
        await new Promise((resolve) => bare.close(resolve));
      },
    };
  });
}
