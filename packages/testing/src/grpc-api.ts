import { type Client, Metadata, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';

type UnaryMethods<D> = {
  [K in keyof D as D[K] extends { responseStream: false } ? K : never]: D[K] extends {
    requestDeserialize: (bytes: Buffer) => infer Req;
    responseDeserialize: (bytes: Buffer) => infer Res;
  }
    ? (request?: Partial<Req>) => Promise<Res>
    : never;
};

/**
 * A service's unary methods as promises taking partial requests, called as the
 * holder of `key` (no authorization header when undefined). Missing fields get
 * their proto defaults, so a test names only what it is about and keeps
 * compiling when a request message gains fields.
 */
export function grpcApi<D extends ServiceDefinition>(client: Client, definition: D, key?: string): UnaryMethods<D> {
  const api: Record<string, (request?: object) => Promise<unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    if (method.responseStream) continue;
    api[name] = (request = {}) => {
      const metadata = new Metadata();
      if (key !== undefined) metadata.set('authorization', `Bearer ${key}`);
      // Decoding no bytes gives the message with every field at its default.
      const full = { ...(method.requestDeserialize(Buffer.alloc(0)) as object), ...request };
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          full,
          metadata,
          (error: ServiceError | null, response?: unknown) => (error ? reject(error) : resolve(response)),
        );
      });
    };
  }
  return api as UnaryMethods<D>;
}
