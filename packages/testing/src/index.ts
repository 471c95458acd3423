export { grpcApi } from './grpc-api';
export { openApiClient, type RestCall, type RestResponse, templatePattern } from './openapi-client';
export { createTestLogger } from './test-logger';
export { createTestScope, type StackAddresses, stackAddresses, type TestScope } from './test-scope';
export { type Received, TopicRecorder } from './topic-recorder';
export { type WaitOptions, waitFor } from './wait-for';
