// A fake-clock driver for the pure FSM: feeds events, fires timers in deadline order and
// keeps a shell's view of the running timers to compare with the state's.
import { initialState, nextTimer, step, TIMER_EVENT, type FsmAction, type FsmConfig, type FsmEvent, type FsmState, type FsmStateName, type TimerName } from '../../../src/bgp/fsm.js';
import { fsmConfig, peerOpen } from './helpers.js';

export class FsmDriver {
  state: FsmState;
  now = 0;
  actions: FsmAction[] = [];
  /** What a shell would have running, built from start/stop actions only. */
  readonly shellTimers = new Map<TimerName, number>();

  constructor(config: FsmConfig = fsmConfig(), seed = 7) {
    this.state = initialState(config, seed);
  }

  feed(...events: FsmEvent[]): FsmAction[] {
    const out: FsmAction[] = [];
    for (const e of events) {
      // A timer event means the shell's timer fired, so the shell no longer holds it.
      const fired = TIMER_OF[e.type];
      if (fired) this.shellTimers.delete(fired);
      const r = step(this.state, e, this.now);
      this.state = r.state;
      for (const a of r.actions) {
        if (a.type === 'start-timer') this.shellTimers.set(a.timer, this.now + a.ms);
        if (a.type === 'stop-timer') this.shellTimers.delete(a.timer);
      }
      out.push(...r.actions);
    }
    this.actions.push(...out);
    return out;
  }

  /** Moves the clock, firing every timer that falls due, in order. */
  advance(ms: number): FsmAction[] {
    const end = this.now + ms;
    const out: FsmAction[] = [];
    for (;;) {
      const next = nextTimer(this.state);
      if (!next || next.at > end) break;
      this.now = next.at;
      this.shellTimers.delete(next.timer);
      out.push(...this.feed(TIMER_EVENT[next.timer]));
    }
    this.now = end;
    return out;
  }
}

const TIMER_OF: Partial<Record<FsmEvent['type'], TimerName>> = Object.fromEntries(
  Object.entries(TIMER_EVENT).map(([timer, event]) => [event.type, timer as TimerName]),
);

const PATHS: Record<FsmStateName, FsmEvent[]> = {
  Idle: [],
  Connect: [{ type: 'ManualStart' }],
  Active: [{ type: 'ManualStart_with_PassiveTcpEstablishment' }],
  OpenSent: [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }],
  OpenConfirm: [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen() }],
  Established: [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen() }, { type: 'KeepAliveMsg' }],
};

export function driverIn(name: FsmStateName, config?: FsmConfig): FsmDriver {
  const d = new FsmDriver(config);
  d.feed(...PATHS[name]);
  if (d.state.name !== name) throw new Error(`could not reach ${name}`);
  d.actions = [];
  return d;
}

/** Sent messages as short strings: OPEN, KEEPALIVE, NOTIFICATION 4/0. */
export function sent(actions: FsmAction[]): string[] {
  return actions.flatMap((a) => {
    if (a.type !== 'send') return [];
    return a.message.type === 'NOTIFICATION' ? [`NOTIFICATION ${a.message.code}/${a.message.subcode}`] : [a.message.type];
  });
}

export function started(actions: FsmAction[]): TimerName[] {
  return actions.flatMap((a) => (a.type === 'start-timer' ? [a.timer] : []));
}

export function kinds(actions: FsmAction[]): string[] {
  return actions.map((a) => a.type);
}
