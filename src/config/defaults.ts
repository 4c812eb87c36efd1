/** Defaults and limits of the configuration; docs/configuration.md documents the same values. */

export const DEFAULT_CONFIG_FILE = '/etc/necod/necod.yaml';
export const DEFAULT_API_SOCKET = '/run/necod/necod.sock';
export const DEFAULT_LOG_LEVEL = 'info';

export const BGP_PORT = 179;
export const DEFAULT_LISTEN_ADDRESS = '::';

export const MAX_ASN = 4294967295;
/** RFC 6793: stands in for a four-octet AS in two-octet fields; never a real AS. */
export const AS_TRANS = 23456;

export const DEFAULT_HOLD_TIME = 90;
export const DEFAULT_CONNECT_RETRY_TIME = 5;
export const DEFAULT_DELAY_OPEN_TIME = 0;
export const DEFAULT_GRACEFUL_RESTART_TIME = 120;
/** The graceful restart capability carries the restart time in 12 bits. */
export const MAX_GRACEFUL_RESTART_TIME = 4095;

/** TTLs used when `multihop` is not set, as BIRD does: eBGP peers must be directly connected. */
export const EBGP_DEFAULT_TTL = 1;
export const IBGP_DEFAULT_TTL = 64;

/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;
/** IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_INTERFACE_NAME_BYTES = 15;

/** Two ToRs need two paths; more leaves room for wider fabrics without a config change. */
export const DEFAULT_MAX_PATHS = 8;
export const MAX_MAX_PATHS = 64;
/**
 * Seconds: long enough for a restarting ToR to come back and send End-of-RIB, short enough not to
 * route into a dead one for long.
 */
export const DEFAULT_STALE_TIME = 300;

/** BGP's default LOCAL_PREF (RFC 4271 recommends 100; every implementation uses it). */
export const DEFAULT_LOCAL_PREF = 100;
export const MAX_UINT32 = 4294967295;

/** Linux fixed routing table ids (RT_TABLE_*), the names iproute2 gives them. */
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export const DEFAULT_KERNEL_TABLE = RT_TABLE_MAIN;
/** BIRD's default metric for kernel routes, so that tools and habits carry over. */
export const DEFAULT_KERNEL_METRIC = 32;
/** Resolved by `ip` through /etc/iproute2/rt_protos.d/, like any protocol name. */
export const DEFAULT_KERNEL_PROTOCOL = 'necod';
export const DEFAULT_COALESCE_MS = 5;
export const MAX_COALESCE_MS = 1000;
/** Long-lived `ip -batch -` processes writing routes: one per core of a small server. */
export const DEFAULT_KERNEL_WRITERS = 2;
export const MAX_KERNEL_WRITERS = 16;
/** The kernel allows many more next hops per route; hardware and sanity do not. */
export const MAX_ECMP = 256;

/** Routes the kernel makes itself for addresses and interfaces are not a table's content. */
export const DEFAULT_IGNORE_PROTOCOLS = ['kernel'];
/** Seconds; the tables are followed live, the full read only repairs what might have been missed. */
export const DEFAULT_SCAN_TIME = 60;
export const MAX_SCAN_TIME = 86400;
/** Interface patterns are matched against names of at most 15 bytes; longer ones are surely a mistake. */
export const MAX_INTERFACE_PATTERN_BYTES = 64;

/**
 * BFD, milliseconds: 100 ms × 3 notices a dead ToR in 300 ms with room for a loaded machine.
 * BIRD's defaults are 100 ms TX / 10 ms RX × 5, FRR's 300 ms × 3.
 */
export const DEFAULT_BFD_INTERVAL_MS = 100;
export const DEFAULT_BFD_MIN_RX_MS = 100;
export const DEFAULT_BFD_MULTIPLIER = 3;
export const MAX_BFD_INTERVAL_MS = 60_000;
/**
 * SCHED_FIFO priority of the BFD process: low, so that it runs ahead of every ordinary task and
 * behind the kernel's own real-time threads and anything an operator placed above it.
 */
export const DEFAULT_BFD_REALTIME_PRIORITY = 10;
