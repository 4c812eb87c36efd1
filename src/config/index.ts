export type {
  AddPathMode,
  AddressFamily,
  ApiConfig,
  CapabilitiesConfig,
  ConfigError,
  ListenConfig,
  LogConfig,
  LogLevel,
  MaxPrefixesConfig,
  NecodConfig,
  NeighborConfig,
  ParseConfigResult,
} from './types.js';
export { parseConfig } from './parse-config.js';
export { diffConfig, type ConfigDiff, type NeighborDiff } from './diff-config.js';
export { formatConfigError } from './format-config-error.js';
export { loadConfigFile } from './load-config.js';
export { DEFAULT_API_SOCKET, DEFAULT_CONFIG_FILE } from './defaults.js';
