// The BFD session state machine of RFC 5880 §6.8 for one session in asynchronous mode: a
// state, an event and a clock (milliseconds) in, a new state and actions out. It never touches
// a socket or a timer: io.ts does, reading the deadlines in `timers` after each step.
// What it is not: the packet codec and its discards (packet.ts), authentication (checked before
// a packet reaches the machine), demand mode and the echo function (neither is implemented:
// necod always runs asynchronous mode, advertises Required Min Echo RX 0 and never sets D).
import { Diag, type BfdStateName, type ControlPacket } from './packet.js';
import { nextRandom } from '../util/seeded-random.js';

/** Intervals in microseconds, as on the wire. */
export interface SessionConfig {
  desiredMinTxUs: number;
  requiredMinRxUs: number;
  detectMult: number;
}

/** RFC 5880 §6.8.3: while not Up, no faster than one packet per second. */
export const SLOW_TX_US = 1_000_000;

export type TimerName = 'tx' | 'detect';

export interface Intervals {
  txUs: number;
  rxUs: number;
}

export interface SessionState {
  readonly state: BfdStateName;
  readonly config: SessionConfig;
  readonly localDiscr: number;
  /** Zero until the remote's first packet, and again once a detection time passes without one. */
  readonly remoteDiscr: number;
  readonly remoteState: BfdStateName;
  readonly localDiag: number;
  readonly remoteDiag: number;
  /** bfd.RemoteMinRxInterval: 1 µs until the remote says otherwise (§6.8.1). */
  readonly remoteMinRxUs: number;
  readonly remoteDesiredMinTxUs: number;
  readonly remoteDetectMult: number;
  /** What our packets advertise (bfd.DesiredMinTxInterval, bfd.RequiredMinRxInterval). */
  readonly advertised: Intervals;
  /** What timers use: becomes `advertised` once a poll sequence ends with a Final (§6.8.3). */
  readonly active: Intervals;
  readonly polling: boolean;
  /** Deadlines in clock milliseconds; null when stopped. */
  readonly timers: Readonly<Record<TimerName, number | null>>;
  /** Time of the last state change. */
  readonly since: number;
  readonly upCount: number;
  readonly downCount: number;
  /** The jitter generator's state: carrying it keeps the machine pure. */
  readonly rng: number;
}

export type SessionEvent =
  | { type: 'Start' }
  /** A packet that passed packet.ts and the session's authentication check. */
  | { type: 'Packet'; packet: ControlPacket }
  | { type: 'TxTimer' }
  | { type: 'DetectTimer' }
  | { type: 'AdminDown' }
  | { type: 'AdminUp' }
  | { type: 'Configure'; config: SessionConfig };

export type SessionAction =
  | { type: 'send'; packet: ControlPacket }
  | { type: 'state-change'; from: BfdStateName; to: BfdStateName; diag: number; remoteDiag: number }
  | { type: 'start-timer'; timer: TimerName; at: number }
  | { type: 'stop-timer'; timer: TimerName };

export interface StepResult {
  state: SessionState;
  actions: SessionAction[];
}

/** A session in Down, not yet sending; `Start` sends the first packet. */
export function initialSession(config: SessionConfig, localDiscr: number, now: number, seed = 1): SessionState {
  const slow = { txUs: Math.max(config.desiredMinTxUs, SLOW_TX_US), rxUs: config.requiredMinRxUs };
  return {
    state: 'Down',
    config,
    localDiscr,
    remoteDiscr: 0,
    remoteState: 'Down',
    localDiag: Diag.None,
    remoteDiag: Diag.None,
    remoteMinRxUs: 1,
    remoteDesiredMinTxUs: 0,
    remoteDetectMult: 0,
    advertised: slow,
    active: slow,
    polling: false,
    timers: { tx: null, detect: null },
    since: now,
    upCount: 0,
    downCount: 0,
    rng: seed >>> 0,
  };
}

/** §6.8.7: the interval between our packets, before jitter, in µs; 0 means do not send. */
export function transmitIntervalUs(s: SessionState): number {
  if (s.remoteMinRxUs === 0) return 0;
  return Math.max(s.active.txUs, s.remoteMinRxUs);
}

/**
 * §6.8.4: the remote's Detect Mult × the larger of our Required Min RX and its Desired Min TX.
 * While a poll is under way the larger of the old and the new RX counts (§6.8.3: a reduced
 * value applies only once acknowledged).
 */
export function detectionTimeUs(s: SessionState): number {
  const rx = s.polling ? Math.max(s.active.rxUs, s.advertised.rxUs) : s.active.rxUs;
  return s.remoteDetectMult * Math.max(rx, s.remoteDesiredMinTxUs);
}

type Draft = { -readonly [K in keyof SessionState]: SessionState[K] } & { timers: Record<TimerName, number | null> };

/** Collects one step's changes. */
class Run {
  readonly actions: SessionAction[] = [];
  constructor(
    readonly d: Draft,
    readonly now: number,
  ) {}

  start(timer: TimerName, at: number): void {
    this.d.timers[timer] = at;
    this.actions.push({ type: 'start-timer', timer, at });
  }

  stop(timer: TimerName): void {
    if (this.d.timers[timer] === null) return;
    this.d.timers[timer] = null;
    this.actions.push({ type: 'stop-timer', timer });
  }

  /** §6.8.7: 75–100 % of the interval, 75–90 % when our Detect Mult is 1. */
  jittered(intervalUs: number): number {
    const r = nextRandom(this.d.rng);
    this.d.rng = r.seed;
    const spread = this.d.config.detectMult === 1 ? 0.15 : 0.25;
    return (intervalUs * (0.75 + spread * r.value)) / 1000;
  }

  packet(final: boolean): ControlPacket {
    const d = this.d;
    return {
      version: 1,
      diag: d.localDiag,
      state: d.state,
      // §6.5: a packet never carries both P and F.
      poll: d.polling && !final,
      final,
      controlPlaneIndependent: false,
      demand: false,
      multipoint: false,
      detectMult: d.config.detectMult,
      myDiscriminator: d.localDiscr,
      yourDiscriminator: d.remoteDiscr,
      desiredMinTxUs: d.advertised.txUs,
      requiredMinRxUs: d.advertised.rxUs,
      requiredMinEchoRxUs: 0,
      auth: null,
    };
  }

  send(final = false): void {
    this.actions.push({ type: 'send', packet: this.packet(final) });
  }

  /** Sends a periodic packet now and schedules the next. */
  transmit(): void {
    const interval = transmitIntervalUs(this.d);
    if (interval === 0) {
      this.stop('tx');
      return;
    }
    this.send();
    this.start('tx', this.now + this.jittered(interval));
  }

  /** Brings the next periodic packet forward when the interval got shorter. */
  rescheduleTx(): void {
    const interval = transmitIntervalUs(this.d);
    if (interval === 0) return this.stop('tx');
    const deadline = this.d.timers.tx;
    if (deadline === null || deadline > this.now + interval / 1000) this.start('tx', this.now + this.jittered(interval));
  }

  armDetect(): void {
    const us = detectionTimeUs(this.d);
    if (us > 0) this.start('detect', this.now + us / 1000);
  }

  /** Our advertised intervals for the current state; a change while Up goes through a poll. */
  advertise(): void {
    const d = this.d;
    const want = { txUs: d.state === 'Up' ? d.config.desiredMinTxUs : Math.max(d.config.desiredMinTxUs, SLOW_TX_US), rxUs: d.config.requiredMinRxUs };
    if (want.txUs === d.advertised.txUs && want.rxUs === d.advertised.rxUs) return;
    d.advertised = want;
    if (d.state === 'Up') {
      d.polling = true;
    } else {
      // §6.8.3 asks for the slow rate outside Up: nobody's detection time relies on our pace.
      d.active = want;
      d.polling = false;
    }
  }

  go(to: BfdStateName, diag: number): void {
    const d = this.d;
    const from = d.state;
    if (from === to) return;
    d.state = to;
    d.localDiag = to === 'Up' ? Diag.None : diag;
    d.since = this.now;
    if (to === 'Up') d.upCount++;
    if (from === 'Up') d.downCount++;
    this.actions.push({ type: 'state-change', from, to, diag, remoteDiag: d.remoteDiag });
    this.advertise();
    // A state change is news for the remote: tell it now rather than at the next tick.
    this.transmit();
  }
}

type Handler = (run: Run, event: SessionEvent) => void;

function onPacket(run: Run, event: SessionEvent): void {
  if (event.type !== 'Packet') return;
  const p = event.packet;
  const d = run.d;
  // §6.8.6, in its order: the remote's view first.
  d.remoteDiscr = p.myDiscriminator;
  d.remoteState = p.state;
  d.remoteDiag = p.diag;
  d.remoteMinRxUs = p.requiredMinRxUs;
  d.remoteDesiredMinTxUs = p.desiredMinTxUs;
  d.remoteDetectMult = p.detectMult;
  if (p.final && d.polling) {
    d.polling = false;
    d.active = d.advertised;
  }
  if (d.state === 'AdminDown') return;
  run.armDetect();
  const next = RECEIVE_TABLE[d.state][p.state];
  if (next !== null) run.go(next, next === 'Down' ? Diag.NeighborSignaledSessionDown : d.localDiag);
  // §6.8.6: answer a Poll with a Final at once, whatever the transmit timer says.
  if (p.poll) run.send(true);
  run.rescheduleTx();
}

/**
 * §6.8.6 state transitions on reception: our state × the remote's state → our next state,
 * null when it stays. A Down or AdminDown from the remote takes an Up or Init session down
 * with diagnostic 3 (Neighbor Signaled Session Down).
 */
const RECEIVE_TABLE: Readonly<Record<BfdStateName, Readonly<Record<BfdStateName, BfdStateName | null>>>> = {
  Down: { AdminDown: null, Down: 'Init', Init: 'Up', Up: null },
  Init: { AdminDown: 'Down', Down: null, Init: 'Up', Up: 'Up' },
  Up: { AdminDown: 'Down', Down: 'Down', Init: null, Up: null },
  AdminDown: { AdminDown: null, Down: null, Init: null, Up: null },
};

const HANDLERS: Readonly<Record<SessionEvent['type'], Handler>> = {
  Start: (run) => {
    if (run.d.state !== 'AdminDown') run.transmit();
  },
  Packet: onPacket,
  TxTimer: (run) => run.transmit(),
  DetectTimer: (run) => {
    const d = run.d;
    run.stop('detect');
    // §6.8.1: a detection time without a packet forgets the remote.
    d.remoteDiscr = 0;
    d.remoteState = 'Down';
    if (d.state === 'Init' || d.state === 'Up') run.go('Down', Diag.ControlDetectionTimeExpired);
  },
  AdminDown: (run) => {
    // §6.8.16: the remote learns it from our packets and must not count it as a failure.
    run.stop('detect');
    run.go('AdminDown', Diag.AdministrativelyDown);
  },
  AdminUp: (run) => {
    if (run.d.state === 'AdminDown') run.go('Down', Diag.None);
  },
  Configure: (run, event) => {
    if (event.type !== 'Configure') return;
    const d = run.d;
    d.config = event.config;
    run.advertise();
    // §6.8.3: the Poll goes out now, and periodic packets repeat it until the Final.
    if (d.polling) run.send();
    run.rescheduleTx();
  },
};

/** One step. Timer events that fire after their timer was stopped or moved are ignored. */
export function step(state: SessionState, event: SessionEvent, now: number): StepResult {
  if (event.type === 'TxTimer' && (state.timers.tx === null || state.timers.tx > now)) return { state, actions: [] };
  if (event.type === 'DetectTimer' && (state.timers.detect === null || state.timers.detect > now)) return { state, actions: [] };
  const d: Draft = { ...state, timers: { ...state.timers } };
  const run = new Run(d, now);
  HANDLERS[event.type](run, event);
  return { state: d, actions: run.actions };
}
