import { isHealthOrReflectionMethod, serviceNameOf } from './method-paths';

describe('isHealthOrReflectionMethod', () => {
  it.each([
    '/grpc.health.v1.Health/Check',
    '/grpc.health.v1.Health/Watch',
    '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
  ])('treats %s as infrastructure', (path) => {
    expect(isHealthOrReflectionMethod(path)).toBe(true);
  });

  it.each(['/omni.v1.ConversationService/GetConversation', '/grpc.health.v1.HealthX/Check', ''])(
    'treats %p as an application method',
    (path) => {
      expect(isHealthOrReflectionMethod(path)).toBe(false);
    },
  );
});

describe('serviceNameOf', () => {
  it('takes the full service name from a method path', () => {
    expect(serviceNameOf('/test.v1.EchoService/Echo')).toBe('test.v1.EchoService');
  });
});
