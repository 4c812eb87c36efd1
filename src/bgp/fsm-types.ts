// Plain data for the BGP finite state machine (RFC 4271 §8): its state, the events fed to it
// and the actions it asks its shell to carry out.
import type { AttributeIssue, KeepaliveMessage, NotificationMessage, NotificationSpec, OpenMessage, RefreshOrf, UpdateMessage } from './wire/index.js';
import type { NegotiatedSession, SessionSettings } from './negotiate.js';

export type FsmStateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export type TimerName = 'ConnectRetry' | 'Hold' | 'Keepalive' | 'DelayOpen' | 'IdleHold';
export const TIMER_NAMES: readonly TimerName[] = ['ConnectRetry', 'Hold', 'Keepalive', 'DelayOpen', 'IdleHold'];

/** All durations in milliseconds. */
export interface FsmConfig {
  session: SessionSettings;
  connectRetryMs: number;
  /** RFC 4271 §8.1.1 DelayOpen; 0 turns it off. */
  delayOpenMs: number;
  /** Wait for the peer to connect instead of connecting (PassiveTcpEstablishment). */
  passive: boolean;
  /** RFC 4271 §8.2.2 suggests 4 minutes for the hold timer while the peer's OPEN is awaited. */
  openSentHoldMs: number;
  /** Pause in Idle before an automatic restart. */
  idleHoldMs: number;
  /** Ceiling of the pause when DampPeerOscillations doubles it after each failure. */
  idleHoldMaxMs: number;
  /** RFC 4271 §8.1.1 DampPeerOscillations. */
  dampPeerOscillations: boolean;
  /** A session that stayed Established this long forgets the failures before it. */
  stableMs: number;
  /** After a maximum-prefix Cease: pause before starting again; 0 stays down until a ManualStart. */
  maxPrefixRestartMs: number;
}

export const DEFAULT_FSM_TIMING = Object.freeze({
  connectRetryMs: 5_000,
  delayOpenMs: 0,
  passive: false,
  openSentHoldMs: 240_000,
  idleHoldMs: 1_000,
  idleHoldMaxMs: 120_000,
  dampPeerOscillations: true,
  stableMs: 60_000,
  maxPrefixRestartMs: 0,
});

export interface FsmState {
  readonly name: FsmStateName;
  readonly config: FsmConfig;
  readonly ourOpen: OpenMessage;
  /** A TCP connection is up. */
  readonly connection: boolean;
  /** An outgoing connection attempt is under way. */
  readonly connecting: boolean;
  /** Deadline of every running timer; null when stopped. */
  readonly timers: Readonly<Record<TimerName, number | null>>;
  readonly peerOpen: OpenMessage | null;
  readonly negotiated: NegotiatedSession | null;
  /** Started by an operator and not stopped since: failures lead to an automatic restart. */
  readonly autoRestart: boolean;
  readonly passiveStart: boolean;
  readonly connectRetryCounter: number;
  /** Failures since the last stable session; drives the idle hold backoff. */
  readonly failures: number;
  readonly establishedAt: number | null;
  /** State of the jitter generator; the FSM stays pure by carrying it. */
  readonly rng: number;
}

/** A NOTIFICATION sent or received, or a local reason the session ended. */
export interface FsmError {
  time: number;
  direction: 'sent' | 'received' | 'local';
  notification: NotificationSpec | null;
  reason: string;
}

export type UpdateOutcome = 'ok' | 'treat-as-withdraw' | 'attribute-discard';

export type FsmEvent =
  | { type: 'ManualStart' }
  | { type: 'ManualStart_with_PassiveTcpEstablishment' }
  /** Cease with `subcode` (Administrative Shutdown by default) and an RFC 9003 text. */
  | { type: 'ManualStop'; subcode?: number; text?: string; silent?: boolean }
  | { type: 'AutomaticStart' }
  /** RFC 4271 Event 8, for reasons local to necod (Out of Resources, …). */
  | { type: 'AutomaticStop'; subcode: number; data?: Uint8Array; reason: string }
  | { type: 'ConnectRetryTimer_Expires' }
  | { type: 'HoldTimer_Expires' }
  | { type: 'KeepaliveTimer_Expires' }
  | { type: 'DelayOpenTimer_Expires' }
  | { type: 'IdleHoldTimer_Expires' }
  | { type: 'TcpConnection_Valid' }
  | { type: 'Tcp_CR_Acked' }
  | { type: 'TcpConnectionConfirmed' }
  | { type: 'TcpConnectionFails'; reason?: string }
  | { type: 'BGPOpen'; open: OpenMessage }
  | { type: 'BGPHeaderErr' | 'BGPOpenMsgErr' | 'UpdateMsgErr' | 'RouteRefreshMsgErr'; notification: NotificationSpec; reason: string }
  | { type: 'NotifMsg'; notification: NotificationSpec }
  | { type: 'KeepAliveMsg' }
  | { type: 'UpdateMsg'; message: UpdateMessage; outcome: UpdateOutcome; issues: AttributeIssue[] }
  | { type: 'RouteRefreshMsg'; afi: number; safi: number; subtype: number; orf: RefreshOrf | null }
  | { type: 'OpenCollisionDump' }
  /** RFC 9384: BFD saw the path to the peer fail. */
  | { type: 'BfdDown' }
  /** RFC 4486: the peer sent more prefixes of a family than allowed. */
  | { type: 'MaxPrefixExceeded'; afi: number; safi: number; limit: number };

export type FsmEventType = FsmEvent['type'];

export type OutgoingMessage = OpenMessage | KeepaliveMessage | NotificationMessage;

export type FsmAction =
  | { type: 'connect' }
  | { type: 'close' }
  | { type: 'send'; message: OutgoingMessage }
  | { type: 'start-timer'; timer: TimerName; ms: number }
  | { type: 'stop-timer'; timer: TimerName }
  | { type: 'deliver-update'; message: UpdateMessage; outcome: UpdateOutcome; issues: AttributeIssue[] }
  | { type: 'deliver-route-refresh'; afi: number; safi: number; subtype: number; orf: RefreshOrf | null }
  | { type: 'established'; negotiated: NegotiatedSession }
  | { type: 'session-down'; reason: string; error: FsmError | null }
  | { type: 'last-error'; error: FsmError }
  | { type: 'state-change'; from: FsmStateName; to: FsmStateName; reason: string };

export interface StepResult {
  state: FsmState;
  actions: FsmAction[];
}
