/**
 * The validated necod configuration: camelCase fields, every default filled in, so that code
 * reading it never has to know a default or handle a missing value.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type AddressFamily = 'ipv4' | 'ipv6';

/** RFC 7911 ADD-PATH: whether we receive and/or send several paths per prefix. */
export type AddPathMode = 'none' | 'receive' | 'send' | 'both';

export interface NecodConfig {
  routerId: string;
  asn: number;
  /** null: accept no incoming connections (every neighbor is connected to actively). */
  listen: ListenConfig | null;
  api: ApiConfig;
  log: LogConfig;
  neighbors: NeighborConfig[];
}

export interface ListenConfig {
  address: string;
  port: number;
}

export interface ApiConfig {
  socket: string;
}

export interface LogConfig {
  level: LogLevel;
}

export interface NeighborConfig {
  name: string;
  /** Canonical form: IPv6 compressed and lower case, with its %zone if link-local. */
  address: string;
  remoteAs: number;
  localAddress: string | null;
  port: number;
  passive: boolean;
  /** Seconds; 0 disables the hold timer and keepalives. */
  holdTime: number;
  keepaliveTime: number;
  connectRetryTime: number;
  /** Seconds; 0 turns DelayOpen (RFC 4271 8.1.1) off. */
  delayOpenTime: number;
  /** Always in the order ipv4, ipv6, without duplicates. */
  families: AddressFamily[];
  /** TTL of the session's packets: 1 for a directly connected eBGP peer, 64 for iBGP, unless set. */
  multihop: number;
  shutdown: boolean;
  maxPrefixes: MaxPrefixesConfig | null;
  capabilities: CapabilitiesConfig;
  gracefulRestartTime: number;
}

export interface MaxPrefixesConfig {
  limit: number;
  /** Seconds before the session is started again; 0: stay down until an operator acts. */
  restartTime: number;
}

export interface CapabilitiesConfig {
  fourOctetAs: boolean;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  gracefulRestart: boolean;
  addPath: AddPathMode;
  extendedMessage: boolean;
}

/** One problem in a configuration file; `path` is a key path such as `neighbors[1].remote-as`. */
export interface ConfigError {
  path: string;
  /** 1-based line in the file; 0 when the error concerns the file as a whole (it could not be read). */
  line: number;
  message: string;
}

export type ParseConfigResult =
  | { ok: true; config: NecodConfig }
  | { ok: false; errors: ConfigError[] };
