export { runMain } from './run-main';
export { type RuntimeOptions, ServiceRuntime } from './service-runtime';
export { Shutdown } from './shutdown';
export { untilReady } from './until-ready';
