/**
 * The validated necod configuration: camelCase fields, every default filled in, so that code
 * reading it never has to know a default or handle a missing value.
 */
import type { Family } from '../net/index.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** RFC 7911 ADD-PATH: whether we receive and/or send several paths per prefix. */
export type AddPathMode = 'none' | 'receive' | 'send' | 'both';

export interface NecodConfig {
  routerId: string;
  asn: number;
  /** RFC 4456 cluster id, dotted IPv4; the router id unless set. */
  clusterId: string;
  /** null: accept no incoming connections (every neighbor is connected to actively). */
  listen: ListenConfig | null;
  api: ApiConfig;
  log: LogConfig;
  decision: DecisionConfig;
  gracefulRestart: GracefulRestartConfig;
  neighbors: NeighborConfig[];
  /** In file order; names are unique. */
  policies: PolicyConfig[];
  originate: OriginateConfig;
  kernel: KernelConfig;
  bfd: BfdGlobalConfig;
}

export interface DecisionConfig {
  /** Most paths of one prefix used together (ECMP); 1: a single best path. */
  maxPaths: number;
  /** Compare MED between paths from different neighbor ASes too. */
  alwaysCompareMed: boolean;
}

export interface GracefulRestartConfig {
  /** Seconds; the default of every neighbor's gracefulRestartTime. */
  restartTime: number;
  /** Seconds a restarting neighbor's routes are kept at most, stale, before they are removed. */
  staleTime: number;
}

export interface ListenConfig {
  address: string;
  port: number;
}

export interface ApiConfig {
  socket: string;
  /** Group that owns the socket (mode 0660), so its members may use necod-cli; null: necod's own group. */
  socketGroup: string | null;
  /** Optional TCP listener; loopback unless a token file is set. */
  listen: { address: string; port: number } | null;
  /** File holding the bearer token every TCP request must carry; null: no token. */
  tokenFile: string | null;
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
  families: Family[];
  /** TTL of the session's packets: 1 for a directly connected eBGP peer, 64 for iBGP, unless set. */
  multihop: number;
  shutdown: boolean;
  maxPrefixes: MaxPrefixesConfig | null;
  capabilities: CapabilitiesConfig;
  gracefulRestartTime: number;
  /** We reflect iBGP routes to this neighbor (RFC 4456 client); only ever true for iBGP. */
  routeReflectorClient: boolean;
  import: ImportFilter;
  export: ExportFilter;
  /** Receive side: keep a NEXT_HOP inside the neighbor's subnet, else use the neighbor's address. */
  nextHopRewrite: boolean;
  /** Length of the neighbor's subnet; null: the connected subnet of the session's local address. */
  nextHopSubnetLength: number | null;
  /** The session's interface, for IPv6 link-local next hops; null when not set. */
  interface: string | null;
  /** Our IPv6 next hop for IPv6 routes sent over this session (canonical text); null: chosen at run time. */
  ipv6NextHop: string | null;
  /** BFD to this neighbor's address; null when off. */
  bfd: NeighborBfdConfig | null;
}

/** The top-level `bfd:` block: the defaults of every neighbor's session. */
export interface BfdDefaults {
  /** Desired min TX, milliseconds (microsecond precision). */
  intervalMs: number;
  /** Required min RX, milliseconds. */
  minRxMs: number;
  multiplier: number;
}

/** The top-level `bfd:` block: the session defaults and how the BFD process is scheduled. */
export interface BfdGlobalConfig extends BfdDefaults {
  /** SCHED_FIFO priority of the BFD process where allowed; null: nice -15 only. */
  realtimePriority: number | null;
}

export interface NeighborBfdConfig extends BfdDefaults {
  /** RFC 5883 (UDP 4784) instead of single hop (RFC 5881, UDP 3784). */
  multihop: boolean;
  auth: BfdAuthConfig | null;
}

export interface BfdAuthConfig {
  type: 'keyed-sha1' | 'meticulous-keyed-sha1';
  keyId: number;
  /** Exactly one of secret and keyFile is set. */
  secret: string | null;
  keyFile: string | null;
}

/** all / none, or every route the named policy accepts (with its changes). */
export type ImportFilter = 'all' | 'none' | PolicyReference;

/**
 * local: locally originated routes only; all: every best route the export rules allow; a policy:
 * like all, filtered and changed by the policy.
 */
export type ExportFilter = 'local' | 'all' | 'none' | PolicyReference;

export interface PolicyReference {
  policy: string;
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
  /** Take Address Prefix ORF (RFC 5292) from the neighbor and filter what necod sends by it. */
  prefixOrf: boolean;
}

/** RFC 8092 large community: global administrator, local data 1, local data 2 (each 32 bits). */
export type LargeCommunityValue = [number, number, number];

/** ORIGIN attribute codes: 0 IGP, 1 EGP, 2 INCOMPLETE. */
export type OriginCode = 0 | 1 | 2;

/**
 * A named policy: ordered rules; the first rule whose `then` has an `action` ends evaluation,
 * other matching rules apply their changes and evaluation goes on; `defaultAction` decides when
 * no rule did. The shape is the one src/rib/policy.ts compiles.
 */
export interface PolicyConfig {
  name: string;
  defaultAction: 'accept' | 'reject';
  rules: PolicyRuleConfig[];
}

export interface PolicyRuleConfig {
  /** Every condition given must hold; `{}` matches every route. */
  match: PolicyMatchConfig;
  then: PolicyActionsConfig;
}

/** A condition is absent (not undefined-valued) when not written: absent means "any". */
export interface PolicyMatchConfig {
  prefixes?: PrefixMatchConfig[];
  /** Any of these (RFC 1997 values as unsigned 32-bit numbers). */
  communities?: number[];
  /** Any of these. */
  largeCommunities?: LargeCommunityValue[];
  /** Routes from any of these neighbors or local origins (direct, static, kernel, api). */
  neighbors?: string[];
  origin?: OriginCode;
}

export interface PrefixMatchConfig {
  /** Normalized: network address in canonical text, host bits clear ("10.0.0.0/8"). */
  prefix: string;
  /** Matching prefix lengths, ge..le inclusive; both always filled in. */
  ge: number;
  le: number;
}

/** An action is absent (not undefined-valued) when not written: absent means "leave as is". */
export interface PolicyActionsConfig {
  action?: 'accept' | 'reject';
  localPref?: number;
  med?: number;
  addCommunities?: number[];
  removeCommunities?: number[];
  addLargeCommunities?: LargeCommunityValue[];
  removeLargeCommunities?: LargeCommunityValue[];
  /** "self" or an address in canonical text. */
  nextHop?: string;
  /** Use and advertise the route, but never write it into the kernel. */
  noInstall?: boolean;
}

export interface OriginateConfig {
  interfaces: InterfaceOriginConfig[];
  static: StaticRouteConfig[];
  kernelTables: KernelTableOriginConfig[];
}

/** host: each address of the interface as a /32 or /128; subnet: each address's network. */
export type InterfaceOriginMode = 'host' | 'subnet';

export interface InterfaceOriginConfig {
  /** An interface name, or a pattern with `*` (any run of characters) and `?` (one character). */
  name: string;
  mode: InterfaceOriginMode;
  /** Announce the addresses only while the interface is up. */
  requireUp: boolean;
  /** In the order ipv4, ipv6. */
  families: Family[];
}

export type StaticTarget =
  | { kind: 'via'; address: string }
  | { kind: 'blackhole' }
  | { kind: 'unreachable' }
  | { kind: 'device'; device: string };

export interface StaticRouteConfig {
  /** Normalized, as PrefixMatchConfig.prefix. */
  prefix: string;
  family: Family;
  target: StaticTarget;
  communities: number[];
  largeCommunities: LargeCommunityValue[];
  localPref: number;
  /** null: no MULTI_EXIT_DISC attribute. */
  med: number | null;
}

/**
 * A kernel routing table: a number (the fixed names main, local and default are turned into
 * 254, 255, 253), or another name from /etc/iproute2/rt_tables, which `ip` resolves.
 */
export type KernelTableId = number | string;

export interface KernelTableOriginConfig {
  table: KernelTableId;
  /** In the order ipv4, ipv6. */
  families: Family[];
  /** Routes with these protocol ids (numbers, or names `ip` resolves) are not announced. */
  ignoreProtocols: (number | string)[];
  /** Seconds between full reads of the table, a safety net besides following it live; 0: never. */
  scanTime: number;
}

export type NexthopGroupsMode = 'auto' | 'on' | 'off';
/** How routes reach the kernel: netlink messages, `ip -batch` lines, or netlink where it loads. */
export type KernelWriterMode = 'auto' | 'netlink' | 'ip';

export interface KernelConfig {
  /** Where learned routes are written. */
  table: KernelTableId;
  metric: number;
  /** Route protocol id necod tags its routes with: a number, or a name from rt_protos that `ip` resolves. */
  protocol: number | string;
  nexthopGroups: NexthopGroupsMode;
  /** Most next hops of one kernel route. */
  ecmpMax: number;
  /** Leave necod's routes in the kernel when it stops, for graceful restart. */
  keepOnStop: boolean;
  /** Milliseconds route changes are gathered before one `ip -batch` run; 0 writes at once. */
  coalesceMs: number;
  /** Long-lived `ip -batch -` processes the route lines of large batches are shared among. */
  writers: number;
  writer: KernelWriterMode;
  /** false: write nothing to the kernel. */
  export: boolean;
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
