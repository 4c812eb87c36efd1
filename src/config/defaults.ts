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
