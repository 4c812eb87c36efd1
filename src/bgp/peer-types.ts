// The public shape of a Peer: its options, events and status, as plain data.
import type { Family } from '../net/index.js';
import type { Logger } from 'pino';
import type { AttributeIssue, RefreshOrf, UpdateMessage } from './wire/index.js';
import type { FsmConfig, FsmStateName, TimerName, UpdateOutcome } from './fsm-types.js';
import type { NegotiatedSession, SessionSettings } from './negotiate.js';
import type { PeerCounters, PeerLastError } from './counters.js';

export type { PeerLastError } from './counters.js';

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

/** One UPDATE of an Established session, as the session hands it to its sink. */
export interface ReceivedUpdate {
  message: UpdateMessage;
  outcome: UpdateOutcome;
  issues: AttributeIssue[];
  /** The neighbor's prefix limit per family (RFC 4486), or null. */
  maxPrefixes: number | null;
}

/** What the sink did: took the UPDATE, or refused it whole because a family would pass the limit. */
export type UpdateVerdict = { accepted: true } | { accepted: false; family: Family; count: number; limit: number };

/**
 * Where a session's UPDATEs go: the routing side (src/routing/peer-routes.ts) applies import
 * policy, counts what the neighbor would then hold and judges the limit before it changes
 * anything; the session acts on the verdict it returns and never reads the RIB itself.
 */
export interface UpdateSink {
  receive(update: ReceivedUpdate): UpdateVerdict;
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
  /** Ms until each running FSM timer of the session's connection fires (Hold, Keepalive, ...). */
  timersLeftMs: Partial<Record<TimerName, number>>;
}
