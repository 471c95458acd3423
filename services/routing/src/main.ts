import { baseEnv, grpcEnv } from '@omni/config';
import { protoSources, TopicPartitions, Topics } from '@omni/contracts';
import { createGrpcServer } from '@omni/grpc';
import { runMain, ServiceRuntime } from '@omni/runtime';

runMain('routing', async () => {
  const runtime = ServiceRuntime.create({
    service: 'routing',
    env: baseEnv.extend(grpcEnv.shape),
    topics: [Topics.conversationEvents, Topics.assignments].map((topic) => ({
      topic,
      numPartitions: TopicPartitions[topic],
    })),
  });
  runtime.handleSignals();
  await runtime.start();

  const grpc = createGrpcServer({ logger: runtime.logger, protoFiles: protoSources() });
  await grpc.start({ host: runtime.config.GRPC_HOST, port: runtime.config.GRPC_PORT });
  runtime.shutdown.add('grpc', () => grpc.shutdown(runtime.config.SHUTDOWN_GRACE_MS / 2));
  runtime.serving();
});
