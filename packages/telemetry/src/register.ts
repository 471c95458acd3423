// Loaded with `node --require @omni/telemetry/register` so instrumentation is
// in place before the app's modules (http, grpc, mongodb) are first required.
import { startTelemetry } from './telemetry';

const sdk = startTelemetry();

if (sdk) {
  // Flush spans after the service's own SIGTERM handler has run its shutdown.
  process.once('beforeExit', () => {
    void sdk.shutdown();
  });
}
