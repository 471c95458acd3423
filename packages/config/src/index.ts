export { type ChannelsConfig, channelsConfigSchema, type InboxConfig, loadChannelsConfig } from './channels-config';
export { type BaseEnv, baseEnv, grpcEnv } from './env-schemas';
export { ConfigError, loadConfig } from './load-config';
