import path from 'node:path';
import {
  Server,
  ServerCredentials,
  type ServerInterceptor,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '@omni/logging';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { callLogging } from './call-logging';
import { serviceNameOf } from './method-paths';
import { withProtocMapEntryNames } from './reflection-descriptors';

export interface GrpcServerOptions {
  logger: Logger;
  /** The .proto sources of the services added, served by reflection so grpcurl needs no local copy. */
  protoFiles: { includeDirs: string[]; files: string[] };
  /** Run in order after the server's call logging; put authInterceptor last. */
  interceptors?: ServerInterceptor[];
}

export interface GrpcServer {
  addService<Impl extends UntypedServiceImplementation>(
    definition: ServiceDefinition<Impl>,
    implementation: Impl,
  ): void;
  /** The standard grpc.health.v1.Health service: '' is the whole server, else a full service name. */
  readonly health: HealthImplementation;
  /** Binds (port 0 picks a free one), marks every service SERVING, resolves with the bound port. */
  start(address: { host: string; port: number }, credentials?: ServerCredentials): Promise<number>;
  /** Health turns NOT_SERVING for '' and every service, e.g. before a drain delay. */
  markNotServing(): void;
  /** Marks NOT_SERVING, lets in-flight calls finish for up to graceMs, then cancels the rest. */
  shutdown(graceMs?: number): Promise<void>;
}

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { logger } = options;
  const server = new Server({ interceptors: [callLogging(logger), ...(options.interceptors ?? [])] });
  const serviceNames: string[] = [];

  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  reflectionFor(options.protoFiles).addToServer(server);

  const setAll = (state: 'SERVING' | 'NOT_SERVING') => {
    for (const name of ['', ...serviceNames]) health.setStatus(name, state);
  };

  return {
    health,
    addService(definition, implementation) {
      server.addService(definition, implementation);
      const first = Object.values(definition)[0];
      if (first) serviceNames.push(serviceNameOf(first.path));
    },
    async start({ host, port }, credentials = ServerCredentials.createInsecure()) {
      const target = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
      const bound = await new Promise<number>((resolve, reject) => {
        server.bindAsync(target, credentials, (err, actualPort) => (err ? reject(err) : resolve(actualPort)));
      });
      setAll('SERVING');
      logger.info({ host, port: bound, services: serviceNames }, 'grpc server listening');
      return bound;
    },
    markNotServing: () => setAll('NOT_SERVING'),
    async shutdown(graceMs = 10_000) {
      setAll('NOT_SERVING');
      await new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          // Expected with live server-streams (event follows), which only end when cut.
          logger.info({ graceMs }, 'grpc calls still open at the shutdown deadline; cancelling them');
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown((err) => {
          clearTimeout(deadline);
          if (err) {
            logger.warn({ err }, 'graceful grpc shutdown failed; forcing');
            server.forceShutdown();
          }
          resolve();
        });
      });
    },
  };
}

/**
 * The health proto is added to the caller's files so `grpcurl list` shows the
 * health service beside the service's own.
 */
function reflectionFor(protoFiles: GrpcServerOptions['protoFiles']): ReflectionService {
  const healthRoot = path.resolve(path.dirname(healthProtoPath), '../..');
  const definition = loadSync([...protoFiles.files, path.relative(healthRoot, healthProtoPath)], {
    includeDirs: [...protoFiles.includeDirs, healthRoot],
    // Field names as written in the .proto, so grpcurl shows and accepts `delay_ms`, not `delayMs`.
    keepCase: true,
  });
  return new ReflectionService(withProtocMapEntryNames(definition));
}
