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
}
