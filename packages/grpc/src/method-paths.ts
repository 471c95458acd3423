/** Services every server exposes for probes and grpcurl; never behind authentication by default. */
const INFRASTRUCTURE_SERVICES = [
  '/grpc.health.v1.Health/',
  '/grpc.reflection.v1.ServerReflection/',
  '/grpc.reflection.v1alpha.ServerReflection/',
];

export function isHealthOrReflectionMethod(methodPath: string): boolean {
  return INFRASTRUCTURE_SERVICES.some((prefix) => methodPath.startsWith(prefix));
}

/** '/test.v1.EchoService/Echo' → 'test.v1.EchoService', the name health statuses use. */
export function serviceNameOf(methodPath: string): string {
  return methodPath.split('/')[1] ?? '';
}
