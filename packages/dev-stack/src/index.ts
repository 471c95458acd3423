export { demoChannelsConfig, ensureDemoChannelsConfig } from './demo-channels';
export {
  DEV_DEFAULT_PORTS,
  type DevStackInfo,
  type DevStackOptions,
  type DevStackStatus,
  devStackStatus,
  ensureDevStack,
  stopDevStack,
} from './dev-stack';
export { type ProvisionedArtifacts, type ProvisionOptions, provision } from './provision';
export { type RunningStack, type StackOptions, startStack } from './stack';
