// The BGP finite state machine of RFC 4271 §8 for one connection: events and a clock in,
// a new state and actions out. It never touches a socket or a timer; its shell does that.
import { CeaseSubcode, ErrorCode, FsmSubcode, describeNotification, encodeShutdownCommunication, maxPrefixData, type NotificationSpec } from './wire/index.js';
import { buildOpen, checkPeerOpen, negotiate } from './negotiate.js';
import {
  TIMER_NAMES,
  type FsmAction,
  type FsmConfig,
  type FsmError,
  type FsmEvent,
  type FsmState,
  type FsmStateName,
  type OutgoingMessage,
  type StepResult,
  type TimerName,
} from './fsm-types.js';
import { nextRandom } from '../util/seeded-random.js';

export * from './fsm-types.js';

const NO_TIMERS: Readonly<Record<TimerName, number | null>> = Object.freeze({
  ConnectRetry: null,
  Hold: null,
  Keepalive: null,
  DelayOpen: null,
  IdleHold: null,
});

/** A stopped FSM in Idle. `seed` starts the jitter generator (any 32-bit number). */
export function initialState(config: FsmConfig, seed = 1): FsmState {
  return {
    name: 'Idle',
    config,
    ourOpen: { ...buildOpen(config.session) },
    connection: false,
    connecting: false,
    timers: NO_TIMERS,
    peerOpen: null,
    negotiated: null,
    autoRestart: false,
    passiveStart: config.passive,
    connectRetryCounter: 0,
    failures: 0,
    establishedAt: null,
    rng: seed >>> 0,
  };
}

/**
 * A second FSM for a connection the peer opened while this one is past Idle: it answers with
 * an OPEN and lives until RFC 4271 §6.8 collision resolution keeps one of the two.
 */
export function collisionCandidate(main: FsmState): FsmState {
  return { ...initialState(main.config, main.rng ^ 0x9e3779b9), name: 'Active', passiveStart: true };
}

/** The candidate's connection becomes the neighbor's session; the neighbor's history stays. */
export function promoteCandidate(main: FsmState, candidate: FsmState): FsmState {
  return {
    ...candidate,
    autoRestart: main.autoRestart,
    passiveStart: main.passiveStart,
    connectRetryCounter: main.connectRetryCounter,
    failures: main.failures,
    rng: main.rng,
  };
}

const TIMER_EVENTS: Partial<Record<FsmEvent['type'], TimerName>> = {
  ConnectRetryTimer_Expires: 'ConnectRetry',
  HoldTimer_Expires: 'Hold',
  KeepaliveTimer_Expires: 'Keepalive',
  DelayOpenTimer_Expires: 'DelayOpen',
  IdleHoldTimer_Expires: 'IdleHold',
};

type Draft = { -readonly [K in keyof FsmState]: FsmState[K] } & { timers: Record<TimerName, number | null> };

interface IdleOptions {
  reason: string;
  error: FsmError | null;
  /** Counts towards the idle hold backoff (every automatic failure except collision dumps). */
  failure: boolean;
  /** ManualStop: no automatic restart. */
  manual?: boolean;
  /** Overrides the idle hold: 0 stays down. */
  idleHoldMs?: number;
}

/** Collects one step's changes; discarded after the step. */
class Run {
  readonly actions: FsmAction[] = [];
  constructor(
    readonly d: Draft,
    readonly now: number,
  ) {}

  get cfg(): FsmConfig {
    return this.d.config;
  }

  start(timer: TimerName, ms: number): void {
    this.d.timers[timer] = this.now + ms;
    this.actions.push({ type: 'start-timer', timer, ms });
  }

  stop(timer: TimerName): void {
    if (this.d.timers[timer] === null) return;
    this.d.timers[timer] = null;
    this.actions.push({ type: 'stop-timer', timer });
  }

  stopAll(): void {
    for (const t of TIMER_NAMES) this.stop(t);
  }

  /** RFC 4271 §10: ConnectRetryTimer jittered to 75–100 % of its value. */
  startConnectRetry(): void {
    const r = nextRandom(this.d.rng);
    this.d.rng = r.seed;
    this.start('ConnectRetry', Math.round(this.cfg.connectRetryMs * (0.75 + 0.25 * r.value)));
  }

  send(message: OutgoingMessage): void {
    this.actions.push({ type: 'send', message });
  }

  /** Sends a NOTIFICATION and remembers it as the last error. */
  notify(n: NotificationSpec, reason: string): FsmError {
    this.send({ type: 'NOTIFICATION', code: n.code, subcode: n.subcode, data: n.data });
    return this.error('sent', n, reason);
  }

  error(direction: FsmError['direction'], n: NotificationSpec | null, reason: string): FsmError {
    const error: FsmError = { time: this.now, direction, notification: n, reason };
    this.actions.push({ type: 'last-error', error });
    return error;
  }

  go(to: FsmStateName, reason: string): void {
    const from = this.d.name;
    if (from === to) return;
    this.d.name = to;
    this.actions.push({ type: 'state-change', from, to, reason });
  }

  connect(): void {
    this.d.connecting = true;
    this.actions.push({ type: 'connect' });
  }

  close(): void {
    if (!this.d.connection && !this.d.connecting) return;
    this.d.connection = false;
    this.d.connecting = false;
    this.actions.push({ type: 'close' });
  }

  /** Leaves a session: everything stopped and released, maybe an idle hold before restarting. */
  idle(o: IdleOptions): void {
    const d = this.d;
    this.stopAll();
    this.close();
    if (d.name === 'Established') this.actions.push({ type: 'session-down', reason: o.reason, error: o.error });
    if (o.manual) {
      d.autoRestart = false;
      d.connectRetryCounter = 0;
    } else {
      d.connectRetryCounter++;
    }
    if (o.failure) {
      if (d.establishedAt !== null && this.now - d.establishedAt >= this.cfg.stableMs) d.failures = 0;
      d.failures++;
    }
    d.peerOpen = null;
    d.negotiated = null;
    d.establishedAt = null;
    this.go('Idle', o.reason);
    if (!d.autoRestart) return;
    const hold = o.idleHoldMs ?? this.idleHold();
    if (hold > 0) this.start('IdleHold', hold);
    else d.autoRestart = false;
  }

  /** RFC 4271 §8.1.1 DampPeerOscillations: the pause doubles with each failure in a row. */
  idleHold(): number {
    const base = this.cfg.idleHoldMs;
    if (!this.cfg.dampPeerOscillations || this.d.failures <= 1) return base;
    return Math.min(this.cfg.idleHoldMaxMs, base * 2 ** Math.min(this.d.failures - 1, 30));
  }

  /** Idle → Connect or Active. */
  begin(passive: boolean): void {
    this.d.passiveStart = passive;
    this.stop('IdleHold');
    if (passive) {
      // Passive peers wait for the connection without a ConnectRetryTimer: it would only make them connect.
      this.go('Active', 'started, waiting for the peer to connect');
    } else {
      this.startConnectRetry();
      this.connect();
      this.go('Connect', 'started, connecting');
    }
  }

  sendOpen(): void {
    this.send(this.d.ourOpen);
    this.start('Hold', this.cfg.openSentHoldMs);
  }

  /** The peer's OPEN arrived: refuse it, or answer with KEEPALIVE and go to OpenConfirm. */
  acceptOpen(event: Extract<FsmEvent, { type: 'BGPOpen' }>): void {
    const refusal = checkPeerOpen(this.cfg.session, event.open);
    if (refusal) {
      const error = this.notify(refusal.notification, `refused the peer's OPEN: ${refusal.reason}`);
      this.idle({ reason: error.reason, error, failure: true });
      return;
    }
    const negotiated = negotiate(this.cfg.session, this.d.ourOpen, event.open);
    this.d.peerOpen = event.open;
    this.d.negotiated = negotiated;
    this.send({ type: 'KEEPALIVE' });
    this.stop('Hold');
    this.stop('Keepalive');
    // RFC 4271 §8.2.2: with a negotiated hold time of zero neither timer runs.
    if (negotiated.holdTime > 0) {
      this.start('Hold', negotiated.holdTime * 1000);
      this.start('Keepalive', negotiated.keepaliveTime * 1000);
    }
    this.go('OpenConfirm', 'received a valid OPEN');
  }

  restartHold(): void {
    const n = this.d.negotiated;
    if (n && n.holdTime > 0) this.start('Hold', n.holdTime * 1000);
  }

  keepalive(): void {
    this.send({ type: 'KEEPALIVE' });
    const n = this.d.negotiated;
    if (n && n.holdTime > 0) this.start('Keepalive', n.keepaliveTime * 1000);
  }

  /** RFC 6608: an unexpected message gets an FSM Error naming the state. */
  unexpected(what: string): void {
    const subcode =
      this.d.name === 'OpenSent' ? FsmSubcode.UNEXPECTED_IN_OPENSENT
      : this.d.name === 'OpenConfirm' ? FsmSubcode.UNEXPECTED_IN_OPENCONFIRM
      : this.d.name === 'Established' ? FsmSubcode.UNEXPECTED_IN_ESTABLISHED
      : FsmSubcode.UNSPECIFIED;
    const error = this.notify({ code: ErrorCode.FSM, subcode, data: new Uint8Array(0) }, `unexpected ${what} in ${this.d.name}`);
    this.idle({ reason: error.reason, error, failure: true });
  }
}

function cease(subcode: number, data: Uint8Array = new Uint8Array(0)): NotificationSpec {
  return { code: ErrorCode.CEASE, subcode, data };
}

const MESSAGE_NAMES: Partial<Record<FsmEvent['type'], string>> = {
  KeepAliveMsg: 'KEEPALIVE',
  UpdateMsg: 'UPDATE',
  RouteRefreshMsg: 'ROUTE-REFRESH',
  UpdateMsgErr: 'UPDATE',
  RouteRefreshMsgErr: 'ROUTE-REFRESH',
  BGPOpen: 'OPEN',
};

/** Feeds one event to the FSM. Pure: `state` is not modified. */
export function step(state: FsmState, event: FsmEvent, now: number): StepResult {
  const timer = TIMER_EVENTS[event.type];
  // A timer the state does not know to be running has been stopped; its late expiry means nothing.
  if (timer !== undefined && state.timers[timer] === null) return { state, actions: [] };
  const d: Draft = { ...state, timers: { ...state.timers } };
  if (timer !== undefined) d.timers[timer] = null;
  const run = new Run(d, now);
  if (!common(run, event)) {
    switch (state.name) {
      case 'Idle':
        idle(run, event);
        break;
      case 'Connect':
      case 'Active':
        connecting(run, event);
        break;
      case 'OpenSent':
        openSent(run, event);
        break;
      case 'OpenConfirm':
        openConfirm(run, event);
        break;
      case 'Established':
        established(run, event);
        break;
    }
  }
  return { state: d, actions: run.actions };
}

/** Events handled alike in every state; true when handled. */
function common(run: Run, event: FsmEvent): boolean {
  const d = run.d;
  switch (event.type) {
    case 'ManualStop': {
      if (d.name === 'Idle') {
        // RFC 4271 §8.2.2: ignored in Idle, except that a pending automatic restart is called off.
        run.stop('IdleHold');
        d.autoRestart = false;
        d.connectRetryCounter = 0;
        return true;
      }
      const subcode = event.subcode ?? CeaseSubcode.ADMINISTRATIVE_SHUTDOWN;
      let error: FsmError | null = null;
      if (event.silent) {
        // RFC 4724 §4: a speaker about to restart closes the connection without a NOTIFICATION,
        // so that neighbors keep its routes for the restart time.
        run.idle({ reason: 'stopped for a graceful restart', error: null, failure: false, manual: true });
        return true;
      }
      if (d.connection) {
        // RFC 9003 §2: only Administrative Shutdown and Reset carry the text.
        const withText = subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || subcode === CeaseSubcode.ADMINISTRATIVE_RESET;
        const data = withText && event.text ? encodeShutdownCommunication(event.text) : new Uint8Array(0);
        error = run.notify(cease(subcode, data), event.text ? `stopped by operator: ${event.text}` : 'stopped by operator');
      }
      run.idle({ reason: error?.reason ?? 'stopped by operator', error, failure: false, manual: true });
      return true;
    }
    case 'AutomaticStop': {
      if (d.name === 'Idle') return true;
      const error = d.connection ? run.notify(cease(event.subcode, event.data), event.reason) : run.error('local', null, event.reason);
      run.idle({ reason: event.reason, error, failure: true });
      return true;
    }
    case 'BfdDown': {
      // Without a connection there is nothing to drop; the next connection attempt finds out by itself.
      if (!d.connection) return true;
      const error = run.notify(cease(CeaseSubcode.BFD_DOWN), 'BFD session went down');
      run.idle({ reason: error.reason, error, failure: true });
      return true;
    }
    case 'OpenCollisionDump': {
      if (!d.connection) return true;
      const error = run.notify(cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION), 'connection collision: this connection lost (RFC 4271 §6.8)');
      // Losing a collision is no fault of the peer: no backoff.
      run.idle({ reason: error.reason, error, failure: false });
      return true;
    }
    case 'NotifMsg': {
      if (!d.connection) return true;
      const reason = `received NOTIFICATION ${describeNotification(event.notification)}`;
      run.idle({ reason, error: run.error('received', event.notification, reason), failure: true });
      return true;
    }
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr': {
      if (!d.connection) return true;
      const error = run.notify(event.notification, event.reason);
      run.idle({ reason: event.reason, error, failure: true });
      return true;
    }
    case 'HoldTimer_Expires': {
      // Only reachable with a connection: the hold timer never runs without one.
      const error = run.notify({ code: ErrorCode.HOLD_TIMER_EXPIRED, subcode: 0, data: new Uint8Array(0) }, 'hold timer expired');
      run.idle({ reason: error.reason, error, failure: true });
      return true;
    }
    case 'MaxPrefixExceeded': {
      if (d.name !== 'Established') return true;
      const reason = `more than ${event.limit} prefixes (AFI ${event.afi}, SAFI ${event.safi})`;
      const error = run.notify(cease(CeaseSubcode.MAX_PREFIXES, maxPrefixData(event.afi, event.safi, event.limit)), reason);
      run.idle({ reason, error, failure: true, idleHoldMs: run.cfg.maxPrefixRestartMs });
      return true;
    }
    default:
      return false;
  }
}

function idle(run: Run, event: FsmEvent): void {
  const d = run.d;
  switch (event.type) {
    case 'ManualStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
      d.autoRestart = true;
      d.connectRetryCounter = 0;
      d.failures = 0;
      run.begin(event.type === 'ManualStart_with_PassiveTcpEstablishment' || run.cfg.passive);
      return;
    case 'AutomaticStart':
      // The idle hold timer is what damps oscillations; an automatic start does not jump it.
      if (d.timers.IdleHold !== null) return;
      d.autoRestart = true;
      run.begin(d.passiveStart);
      return;
    case 'IdleHoldTimer_Expires':
      run.begin(d.passiveStart);
      return;
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      // RFC 4271 §8.2.2: connections are refused in Idle.
      run.actions.push({ type: 'close' });
      return;
    default:
      return;
  }
}

/** Connect and Active: waiting for a connection, or holding one under DelayOpen. */
function connecting(run: Run, event: FsmEvent): void {
  const d = run.d;
  switch (event.type) {
    case 'ConnectRetryTimer_Expires':
      // RFC 4271 §8.2.2: drop what there is and try again.
      run.close();
      run.stop('DelayOpen');
      run.startConnectRetry();
      run.connect();
      run.go('Connect', 'connect retry timer expired, connecting again');
      return;
    case 'DelayOpenTimer_Expires':
      run.stop('ConnectRetry');
      run.sendOpen();
      run.go('OpenSent', 'delay open timer expired, sent OPEN');
      return;
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      d.connection = true;
      d.connecting = false;
      run.stop('ConnectRetry');
      if (run.cfg.delayOpenMs > 0) {
        // RFC 4271 §8.1.1 DelayOpen: let the peer speak first.
        run.start('DelayOpen', run.cfg.delayOpenMs);
        return;
      }
      run.sendOpen();
      run.go('OpenSent', event.type === 'Tcp_CR_Acked' ? 'connected, sent OPEN' : 'accepted connection, sent OPEN');
      return;
    case 'TcpConnectionFails': {
      if (!d.connection && !d.connecting) return;
      // A refused or broken connection is retried after ConnectRetryTime from Active, as RFC 4271
      // §8.2.2 does when DelayOpen is running; going through Idle would add the idle hold too.
      const reason = `connection failed${event.reason ? `: ${event.reason}` : ''}`;
      run.close();
      run.stop('DelayOpen');
      if (!d.passiveStart) run.startConnectRetry();
      run.error('local', null, reason);
      run.go('Active', reason);
      return;
    }
    case 'BGPOpen':
      if (!d.connection) return;
      run.stop('ConnectRetry');
      run.stop('DelayOpen');
      // RFC 4271 §8.2.2: an OPEN during DelayOpen is answered with OPEN and KEEPALIVE.
      run.send(d.ourOpen);
      run.acceptOpen(event);
      return;
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr': {
      if (!d.connection) return;
      // RFC 4271 §8.2.2 "any other event": the connection is dropped without a NOTIFICATION.
      const reason = `unexpected ${MESSAGE_NAMES[event.type]} before OPEN`;
      run.idle({ reason, error: run.error('local', null, reason), failure: true });
      return;
    }
    default:
      return;
  }
}

function openSent(run: Run, event: FsmEvent): void {
  const d = run.d;
  switch (event.type) {
    case 'TcpConnectionFails': {
      // RFC 4271 §8.2.2: back to Active to listen, and retry later.
      run.stopAll();
      run.close();
      if (!d.passiveStart) run.startConnectRetry();
      const reason = `connection lost in OpenSent${event.reason ? `: ${event.reason}` : ''}`;
      run.error('local', null, reason);
      run.go('Active', reason);
      return;
    }
    case 'BGPOpen':
      run.stop('ConnectRetry');
      run.stop('DelayOpen');
      run.acceptOpen(event);
      return;
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr':
      run.unexpected(MESSAGE_NAMES[event.type] as string);
      return;
    default:
      return;
  }
}

function openConfirm(run: Run, event: FsmEvent): void {
  const d = run.d;
  switch (event.type) {
    case 'KeepaliveTimer_Expires':
      run.keepalive();
      return;
    case 'TcpConnectionFails': {
      const reason = `connection lost in OpenConfirm${event.reason ? `: ${event.reason}` : ''}`;
      run.idle({ reason, error: run.error('local', null, reason), failure: true });
      return;
    }
    case 'KeepAliveMsg': {
      run.restartHold();
      d.establishedAt = run.now;
      run.go('Established', 'received KEEPALIVE');
      run.actions.push({ type: 'established', negotiated: d.negotiated as NonNullable<FsmState['negotiated']> });
      return;
    }
    case 'BGPOpen':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr':
      run.unexpected(MESSAGE_NAMES[event.type] as string);
      return;
    default:
      return;
  }
}

function established(run: Run, event: FsmEvent): void {
  switch (event.type) {
    case 'KeepaliveTimer_Expires':
      run.keepalive();
      return;
    case 'TcpConnectionFails': {
      const reason = `connection lost${event.reason ? `: ${event.reason}` : ''}`;
      run.idle({ reason, error: run.error('local', null, reason), failure: true });
      return;
    }
    case 'KeepAliveMsg':
      run.restartHold();
      return;
    case 'UpdateMsg':
      run.restartHold();
      run.actions.push({ type: 'deliver-update', message: event.message, outcome: event.outcome, issues: event.issues });
      return;
    case 'RouteRefreshMsg':
      // RFC 4271 §4.4 names KEEPALIVE and UPDATE; any message shows the peer is alive.
      run.restartHold();
      run.actions.push({ type: 'deliver-route-refresh', afi: event.afi, safi: event.safi, subtype: event.subtype, orf: event.orf });
      return;
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr': {
      const error = run.notify(event.notification, event.reason);
      run.idle({ reason: event.reason, error, failure: true });
      return;
    }
    case 'BGPOpen':
      run.unexpected('OPEN');
      return;
    default:
      return;
  }
}

/** Timers the state holds as running, for shells and tests. */
export function runningTimers(state: FsmState): TimerName[] {
  return TIMER_NAMES.filter((t) => state.timers[t] !== null);
}

/** The earliest running timer and its deadline, or null. */
export function nextTimer(state: FsmState): { timer: TimerName; at: number } | null {
  let best: { timer: TimerName; at: number } | null = null;
  for (const t of TIMER_NAMES) {
    const at = state.timers[t];
    if (at !== null && (best === null || at < best.at)) best = { timer: t, at };
  }
  return best;
}

export const TIMER_EVENT: Record<TimerName, FsmEvent> = {
  ConnectRetry: { type: 'ConnectRetryTimer_Expires' },
  Hold: { type: 'HoldTimer_Expires' },
  Keepalive: { type: 'KeepaliveTimer_Expires' },
  DelayOpen: { type: 'DelayOpenTimer_Expires' },
  IdleHold: { type: 'IdleHoldTimer_Expires' },
};
