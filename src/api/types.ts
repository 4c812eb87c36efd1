/**
 * What the control API shows about neighbors. These are the JSON shapes of the responses, so
 * `necod-cli --json` users and scripts depend on them: add fields, do not rename them.
 */
import type { AddPathMode } from '../config/types.js';

/** RFC 4271 8.2.2 session states. */
export type BgpState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export const BGP_STATES: readonly BgpState[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

export interface NeighborView {
  name: string;
  address: string;
  remoteAs: number;
  localAs: number;
  state: BgpState;
  /** ISO 8601 time of the last state change (or of the start, before the first one). */
  since: string;
  /** Seconds in Established; null in every other state. */
  uptimeSeconds: number | null;
  /** Why the session last changed state, e.g. "hold timer expired", "administratively down". */
  lastStateChangeReason: string;
  /** What both sides agreed on in their OPEN messages; null until an OPEN was exchanged. */
  capabilities: NegotiatedCapabilities | null;
  counters: NeighborCounters;
  lastError: NeighborError | null;
  /** The BFD session to this neighbor's address (RFC 5880 state); absent without BFD. */
  bfd?: 'AdminDown' | 'Down' | 'Init' | 'Up';
  /** Everything else about one neighbor; only in GET /v1/neighbors/:name. */
  detail?: NeighborDetail;
}

export interface Endpoint {
  address: string;
  port: number;
}

/** What `necod-cli show protocols all NAME` shows beyond the table row, like `birdc show protocols all`. */
export interface NeighborDetail {
  local: Endpoint | null;
  remote: Endpoint | null;
  connectRetryCounter: number;
  /** Dotted router id of the neighbor, once an OPEN was received. */
  peerRouterId: string | null;
  peerHostname: string | null;
  /** Capabilities the neighbor sent in its OPEN, by name. */
  peerCapabilities: string[];
  /** What necod offers in its OPEN, from the configuration. */
  configured: {
    holdTime: number;
    keepaliveTime: number;
    passive: boolean;
    families: string[];
    capabilities: { fourOctetAs: boolean; routeRefresh: boolean; enhancedRouteRefresh: boolean; gracefulRestart: boolean; addPath: AddPathMode; extendedMessage: boolean };
    import: string;
    export: string;
  };
  prefixes: {
    /** Held in the Adj-RIB-In (after import policy). */
    received: number;
    /** Routes whose best path is this neighbor's. */
    best: number;
    /** Routes in this neighbor's Adj-RIB-Out. */
    exported: number;
    /** Prefixes the import policy rejected, since the start. */
    filtered: number;
    stale: number;
  };
  /** UPDATEs dropped whole, by reason (RFC 7606 treat-as-withdraw, AS path loop, ...). */
  rejectedUpdates: Record<string, number>;
  /**
   * Seconds until each FSM timer fires, null when it is not running (RFC 4271 §8: Hold and
   * Keepalive while a session is up, ConnectRetry and IdleHold while it is trying).
   */
  timers: { hold: number | null; keepalive: number | null; connectRetry: number | null; idleHold: number | null; delayOpen: number | null };
  gracefulRestart: {
    negotiated: boolean;
    /** Families whose End-of-RIB arrived in this session. */
    endOfRib: string[];
    /** ISO time until which stale routes of a restarting neighbor are kept, or null. */
    staleUntil: string | null;
  };
}

export interface NegotiatedCapabilities {
  fourOctetAs: boolean;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  gracefulRestart: boolean;
  addPath: { ipv4: AddPathMode; ipv6: AddPathMode };
  extendedMessage: boolean;
  /** Address families of the session, such as "ipv4", "ipv6". */
  families: string[];
  /** Negotiated hold time in seconds (the smaller of both proposals). */
  holdTime: number;
  keepaliveTime: number;
}

export interface MessageCounts {
  open: number;
  update: number;
  notification: number;
  keepalive: number;
  routeRefresh: number;
}

export interface NeighborCounters {
  messagesIn: MessageCounts;
  messagesOut: MessageCounts;
  updatesIn: number;
  updatesOut: number;
  /** Prefixes currently held from this neighbor. */
  prefixesReceived: number;
  /** Withdrawals received since the daemon started. */
  prefixesWithdrawn: number;
  /** Times the session left Established. */
  flaps: number;
}

/**
 * The last error on the session: a NOTIFICATION sent or received, or a local failure such as a
 * refused connection (`direction: 'local'`, code 0 when no NOTIFICATION code applies).
 */
export interface NeighborError {
  time: string;
  direction: 'sent' | 'received' | 'local';
  code: number;
  subcode: number;
  codeName: string;
  subcodeName: string;
  text?: string;
}

/**
 * Supplies the neighbor state the API serves. The BGP session layer implements it; until it is
 * wired in, the daemon serves an empty list.
 */
export interface NeighborProvider {
  listNeighbors(): NeighborView[];
  /** One neighbor with its detail; null when no neighbor has this name. Defaults to the list entry. */
  neighbor?(name: string): NeighborView | null;
}

/** GET /v1/status: the one page an operator reads first. */
export interface StatusView {
  version: string;
  routerId: string;
  asn: number;
  /** ISO time necod started, and seconds since. */
  startedAt: string;
  uptimeSeconds: number;
  /** Whether first convergence was reached (GET /readyz). */
  ready: boolean;
  neighbors: { total: number; byState: Partial<Record<BgpState, number>> };
  routes: { ipv4: number; ipv6: number };
  kernel: { enabled: boolean; installed: number; pending: number; failed: number };
  /** BFD sessions by state; absent until BFD exists. */
  bfd?: Record<string, number>;
}

/** GET /readyz: first convergence, and what it still waits for. */
export interface Readiness {
  ready: boolean;
  waitingFor: string[];
}

/** The events GET /v1/events streams; their shape is the routing side's, served as it is. */
export type { EventKind, NecodEvent } from '../routing/events.js';
