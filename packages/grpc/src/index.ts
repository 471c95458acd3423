export { grpcOperation } from './api-operation-handler';
export {
  type Authenticate,
  type AuthInterceptorOptions,
  authInterceptor,
  principalOf,
} from './auth-interceptor';
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './grpc-server';
export { type GrpcErrorStatus, grpcCodeFor, RETRY_AFTER_KEY, toGrpcStatus } from './grpc-status';
export { isHealthOrReflectionMethod } from './method-paths';
export {
  type ServerStream,
  type ServerStreamingHandler,
  serverStreaming,
  type UnaryHandler,
  unary,
} from './rpc-handlers';
export { STATUS_DETAILS_KEY } from './status-details';
