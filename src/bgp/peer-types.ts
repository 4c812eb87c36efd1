// The public shape of a Peer: its options, events and status, as plain data.
import type { Logger } from 'pino';
import type { AttributeIssue, Family, RefreshOrf, UpdateMessage } from './wire/index.js';
import type { FsmConfig, FsmStateName, UpdateOutcome } from './fsm-types.js';
import type { NegotiatedSession, SessionSettings } from './negotiate.js';
import type { PeerCounters, PeerLastError } from './counters.js';

export type { PeerLastError };

export interface MaxPrefixSettings {
  /** Per family: more prefixes than this ends the session with Cease/Maximum Number of Prefixes. */
  limit: number;
  /** Ms before starting again; 0 stays down until start() or reset(). */
  restartMs: number;
}

export interface PeerOptions {
  /** Shown in logs and the API. */
  name: string;
  /** The neighbor's address; incoming connections are matched against it. */
  address: string;
  /** The neighbor's BGP port (179). */
  port?: number;
  /** Source address of outgoing connections. */
  localAddress?: string | null;
  /** Source port of outgoing connections; 0 or absent lets the kernel choose. */
  localPort?: number;
  /** Never connect; wait for the neighbor. */
  passive?: boolean;
  session: SessionSettings;
  /** FSM timing in ms; defaults in DEFAULT_FSM_TIMING. */
  timing?: Partial<Omit<FsmConfig, 'session' | 'passive' | 'maxPrefixRestartMs'>>;
  maxPrefixes?: MaxPrefixSettings | null;
  /**
   * The prefixes of a family the neighbor holds in the RIB, checked against the maximum after
   * each UPDATE. Default: announced minus withdrawn, counted from this session's UPDATEs.
   */
  currentPrefixCount?: (family: Family) => number;
  /** Bytes that may wait for a slow neighbor before it is reset with Cease/Out of Resources (32 MiB). */
  maxQueuedBytes?: number;
  /** How long a closing connection may take to flush its NOTIFICATION (1000 ms). */
  closeGraceMs?: number;
  logger?: Logger;
  /** Seed of the ConnectRetry jitter (random by default). */
  seed?: number;
  /** Epoch ms clock (Date.now). */
  now?: () => number;
}


export interface PeerDown {
  reason: string;
  error: PeerLastError | null;
}

export interface PeerStateChange {
  from: FsmStateName;
  to: FsmStateName;
  reason: string;
}

export interface PeerEvents {
  established: [negotiated: NegotiatedSession];
  /** Every UPDATE of an Established session, RFC 7606 softened ones included. */
  update: [message: UpdateMessage, outcome: UpdateOutcome, issues: AttributeIssue[]];
  /**
   * A ROUTE-REFRESH for a negotiated family: subtype 0 asks for Adj-RIB-Out, 1/2 are BoRR/EoRR
   * (RFC 7313). `orf` holds only the ORF types negotiated for the family (RFC 5291 §5), or null.
   */
  routeRefresh: [afi: number, safi: number, subtype: number, orf: RefreshOrf | null];
  down: [down: PeerDown];
  stateChange: [change: PeerStateChange];
}

export interface PeerStatus {
  name: string;
  address: string;
  port: number;
  state: FsmStateName;
  /** Epoch ms of the last state change. */
  since: number;
  sinceReason: string;
  /** Ms in Established, or null. */
  uptimeMs: number | null;
  negotiated: NegotiatedSession | null;
  counters: PeerCounters;
  lastError: PeerLastError | null;
  connectRetryCounter: number;
  /** Endpoints of the session's TCP connection, when there is one. */
  local: { address: string; port: number } | null;
  remote: { address: string; port: number } | null;
}
