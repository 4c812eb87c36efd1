export type {
  AddPathMode,
  ApiConfig,
  CapabilitiesConfig,
  ConfigError,
  DecisionConfig,
  ExportFilter,
  GracefulRestartConfig,
  ImportFilter,
  InterfaceOriginConfig,
  InterfaceOriginMode,
  KernelConfig,
  KernelTableId,
  KernelTableOriginConfig,
  LargeCommunityValue,
  ListenConfig,
  LogConfig,
  LogLevel,
  MaxPrefixesConfig,
  NecodConfig,
  NeighborConfig,
  NexthopGroupsMode,
  OriginCode,
  OriginateConfig,
  ParseConfigResult,
  PolicyActionsConfig,
  PolicyConfig,
  PolicyMatchConfig,
  PolicyReference,
  PolicyRuleConfig,
  PrefixMatchConfig,
  StaticRouteConfig,
  StaticTarget,
} from './types.js';
export { parseConfig } from './parse-config.js';
export { diffConfig, type ConfigDiff, type NeighborDiff, type PolicyDiff } from './diff-config.js';
export { formatConfigError } from './format-config-error.js';
export { loadConfigFile } from './load-config.js';
export { DEFAULT_API_SOCKET, DEFAULT_CONFIG_FILE } from './defaults.js';
export { LOCAL_ORIGIN_NAMES } from './references.js';
