import { describe, expect, it } from 'vitest';
import { runningTimers, type FsmAction, type FsmConfig, type FsmEvent, type FsmStateName, type TimerName } from '../../../src/bgp/fsm.js';
import { shutdownCommunication, type NotificationMessage, type UpdateMessage, EMPTY_IPV4 } from '../../../src/bgp/wire/index.js';
import { driverIn, FsmDriver, kinds, sent, started } from './fsm-driver.js';
import { LOCAL_ID, fsmConfig, peerOpen, settings } from './helpers.js';

const UPDATE: UpdateMessage = { type: 'UPDATE', withdrawn: EMPTY_IPV4, attributes: [], nlri: EMPTY_IPV4 };
const spec = (code: number, subcode: number) => ({ code, subcode, data: new Uint8Array(0) });

interface Row {
  from: FsmStateName;
  event: FsmEvent;
  to: FsmStateName;
  sends?: string[];
  starts?: TimerName[];
  has?: FsmAction['type'][];
  hasNot?: FsmAction['type'][];
  config?: Partial<FsmConfig>;
}

// The transitions of RFC 4271 §8.2.2 (with RFC 6608, RFC 9384, RFC 4486) that matter in practice.
const ROWS: Row[] = [
  // Idle
  { from: 'Idle', event: { type: 'ManualStart' }, to: 'Connect', sends: [], starts: ['ConnectRetry'], has: ['connect'] },
  { from: 'Idle', event: { type: 'ManualStart_with_PassiveTcpEstablishment' }, to: 'Active', sends: [], starts: [], hasNot: ['connect'] },
  { from: 'Idle', event: { type: 'ManualStart' }, to: 'Active', config: { passive: true }, starts: [], hasNot: ['connect'] },
  { from: 'Idle', event: { type: 'AutomaticStart' }, to: 'Connect', has: ['connect'] },
  { from: 'Idle', event: { type: 'ManualStop' }, to: 'Idle', sends: [], starts: [] },
  { from: 'Idle', event: { type: 'TcpConnectionConfirmed' }, to: 'Idle', has: ['close'], sends: [] },
  { from: 'Idle', event: { type: 'KeepAliveMsg' }, to: 'Idle', sends: [] },
  { from: 'Idle', event: { type: 'BfdDown' }, to: 'Idle', sends: [] },
  { from: 'Idle', event: { type: 'HoldTimer_Expires' }, to: 'Idle', sends: [] },
  // Connect
  { from: 'Connect', event: { type: 'Tcp_CR_Acked' }, to: 'OpenSent', sends: ['OPEN'], starts: ['Hold'] },
  { from: 'Connect', event: { type: 'TcpConnectionConfirmed' }, to: 'OpenSent', sends: ['OPEN'], starts: ['Hold'] },
  { from: 'Connect', event: { type: 'Tcp_CR_Acked' }, to: 'Connect', config: { delayOpenMs: 5000 }, sends: [], starts: ['DelayOpen'] },
  { from: 'Connect', event: { type: 'ConnectRetryTimer_Expires' }, to: 'Connect', has: ['close', 'connect'], starts: ['ConnectRetry'] },
  { from: 'Connect', event: { type: 'TcpConnectionFails', reason: 'ECONNREFUSED' }, to: 'Active', starts: ['ConnectRetry'], has: ['close', 'last-error'] },
  { from: 'Connect', event: { type: 'ManualStop' }, to: 'Idle', sends: [], has: ['close'], starts: [] },
  { from: 'Connect', event: { type: 'BfdDown' }, to: 'Connect', sends: [] },
  { from: 'Connect', event: { type: 'KeepAliveMsg' }, to: 'Connect', sends: [] },
  { from: 'Connect', event: { type: 'NotifMsg', notification: spec(6, 2) }, to: 'Connect', sends: [] },
  // Active
  { from: 'Active', event: { type: 'TcpConnectionConfirmed' }, to: 'OpenSent', sends: ['OPEN'], starts: ['Hold'] },
  { from: 'Active', event: { type: 'ManualStop' }, to: 'Idle', sends: [] },
  { from: 'Active', event: { type: 'ConnectRetryTimer_Expires' }, to: 'Active', sends: [] },
  // OpenSent
  { from: 'OpenSent', event: { type: 'BGPOpen', open: peerOpen() }, to: 'OpenConfirm', sends: ['KEEPALIVE'], starts: ['Hold', 'Keepalive'] },
  { from: 'OpenSent', event: { type: 'BGPOpen', open: peerOpen({ holdTime: 0 }) }, to: 'OpenConfirm', sends: ['KEEPALIVE'], starts: [] },
  { from: 'OpenSent', event: { type: 'BGPOpen', open: peerOpen({ myAs: 65001 }) }, to: 'Idle', sends: ['NOTIFICATION 2/2'], has: ['close'], starts: ['IdleHold'] },
  { from: 'OpenSent', event: { type: 'BGPOpen', open: peerOpen({ bgpId: LOCAL_ID }) }, to: 'Idle', sends: ['NOTIFICATION 2/3'] },
  { from: 'OpenSent', event: { type: 'BGPOpen', open: peerOpen({ holdTime: 2 }) }, to: 'Idle', sends: ['NOTIFICATION 2/6'] },
  { from: 'OpenSent', event: { type: 'KeepAliveMsg' }, to: 'Idle', sends: ['NOTIFICATION 5/1'] },
  { from: 'OpenSent', event: { type: 'UpdateMsg', message: UPDATE, outcome: 'ok', issues: [] }, to: 'Idle', sends: ['NOTIFICATION 5/1'], hasNot: ['deliver-update'] },
  { from: 'OpenSent', event: { type: 'RouteRefreshMsg', afi: 1, safi: 1, subtype: 0, orf: null }, to: 'Idle', sends: ['NOTIFICATION 5/1'] },
  { from: 'OpenSent', event: { type: 'HoldTimer_Expires' }, to: 'Idle', sends: ['NOTIFICATION 4/0'], has: ['close'] },
  { from: 'OpenSent', event: { type: 'TcpConnectionFails' }, to: 'Active', sends: [], starts: ['ConnectRetry'], has: ['close'] },
  { from: 'OpenSent', event: { type: 'NotifMsg', notification: spec(2, 2) }, to: 'Idle', sends: [], has: ['close', 'last-error'] },
  { from: 'OpenSent', event: { type: 'BGPHeaderErr', notification: spec(1, 1), reason: 'bad marker' }, to: 'Idle', sends: ['NOTIFICATION 1/1'] },
  { from: 'OpenSent', event: { type: 'BGPOpenMsgErr', notification: spec(2, 1), reason: 'version 3' }, to: 'Idle', sends: ['NOTIFICATION 2/1'] },
  { from: 'OpenSent', event: { type: 'OpenCollisionDump' }, to: 'Idle', sends: ['NOTIFICATION 6/7'] },
  { from: 'OpenSent', event: { type: 'BfdDown' }, to: 'Idle', sends: ['NOTIFICATION 6/10'] },
  { from: 'OpenSent', event: { type: 'ManualStop' }, to: 'Idle', sends: ['NOTIFICATION 6/2'], starts: [] },
  { from: 'OpenSent', event: { type: 'Tcp_CR_Acked' }, to: 'OpenSent', sends: [] },
  { from: 'OpenSent', event: { type: 'ConnectRetryTimer_Expires' }, to: 'OpenSent', sends: [] },
  // OpenConfirm
  { from: 'OpenConfirm', event: { type: 'KeepAliveMsg' }, to: 'Established', has: ['established'], starts: ['Hold'], sends: [] },
  { from: 'OpenConfirm', event: { type: 'KeepaliveTimer_Expires' }, to: 'OpenConfirm', sends: ['KEEPALIVE'], starts: ['Keepalive'] },
  { from: 'OpenConfirm', event: { type: 'BGPOpen', open: peerOpen() }, to: 'Idle', sends: ['NOTIFICATION 5/2'] },
  { from: 'OpenConfirm', event: { type: 'UpdateMsg', message: UPDATE, outcome: 'ok', issues: [] }, to: 'Idle', sends: ['NOTIFICATION 5/2'] },
  { from: 'OpenConfirm', event: { type: 'RouteRefreshMsg', afi: 1, safi: 1, subtype: 0, orf: null }, to: 'Idle', sends: ['NOTIFICATION 5/2'] },
  { from: 'OpenConfirm', event: { type: 'HoldTimer_Expires' }, to: 'Idle', sends: ['NOTIFICATION 4/0'], hasNot: ['session-down'] },
  { from: 'OpenConfirm', event: { type: 'TcpConnectionFails' }, to: 'Idle', sends: [], hasNot: ['session-down'] },
  { from: 'OpenConfirm', event: { type: 'NotifMsg', notification: spec(6, 7) }, to: 'Idle', sends: [] },
  { from: 'OpenConfirm', event: { type: 'OpenCollisionDump' }, to: 'Idle', sends: ['NOTIFICATION 6/7'] },
  { from: 'OpenConfirm', event: { type: 'ManualStop', subcode: 3 }, to: 'Idle', sends: ['NOTIFICATION 6/3'] },
  // Established
  { from: 'Established', event: { type: 'KeepAliveMsg' }, to: 'Established', sends: [], starts: ['Hold'] },
  { from: 'Established', event: { type: 'UpdateMsg', message: UPDATE, outcome: 'ok', issues: [] }, to: 'Established', has: ['deliver-update'], starts: ['Hold'] },
  { from: 'Established', event: { type: 'UpdateMsg', message: UPDATE, outcome: 'treat-as-withdraw', issues: [] }, to: 'Established', has: ['deliver-update'] },
  { from: 'Established', event: { type: 'RouteRefreshMsg', afi: 2, safi: 1, subtype: 1, orf: null }, to: 'Established', has: ['deliver-route-refresh'], starts: ['Hold'] },
  { from: 'Established', event: { type: 'KeepaliveTimer_Expires' }, to: 'Established', sends: ['KEEPALIVE'], starts: ['Keepalive'] },
  { from: 'Established', event: { type: 'UpdateMsgErr', notification: spec(3, 1), reason: 'bad attribute list' }, to: 'Idle', sends: ['NOTIFICATION 3/1'], has: ['session-down'] },
  { from: 'Established', event: { type: 'RouteRefreshMsgErr', notification: spec(7, 1), reason: 'length 24' }, to: 'Idle', sends: ['NOTIFICATION 7/1'], has: ['session-down'] },
  { from: 'Established', event: { type: 'BGPOpen', open: peerOpen() }, to: 'Idle', sends: ['NOTIFICATION 5/3'], has: ['session-down'] },
  { from: 'Established', event: { type: 'HoldTimer_Expires' }, to: 'Idle', sends: ['NOTIFICATION 4/0'], has: ['session-down', 'close'], starts: ['IdleHold'] },
  { from: 'Established', event: { type: 'TcpConnectionFails' }, to: 'Idle', sends: [], has: ['session-down'] },
  { from: 'Established', event: { type: 'NotifMsg', notification: spec(6, 2) }, to: 'Idle', sends: [], has: ['session-down'] },
  { from: 'Established', event: { type: 'BfdDown' }, to: 'Idle', sends: ['NOTIFICATION 6/10'], has: ['session-down'], starts: ['IdleHold'] },
  { from: 'Established', event: { type: 'AutomaticStop', subcode: 8, reason: 'slow' }, to: 'Idle', sends: ['NOTIFICATION 6/8'], has: ['session-down'] },
  { from: 'Established', event: { type: 'MaxPrefixExceeded', afi: 1, safi: 1, limit: 100 }, to: 'Idle', sends: ['NOTIFICATION 6/1'], starts: [] },
  { from: 'Established', event: { type: 'MaxPrefixExceeded', afi: 1, safi: 1, limit: 100 }, to: 'Idle', config: { maxPrefixRestartMs: 30_000 }, starts: ['IdleHold'] },
  { from: 'Established', event: { type: 'ManualStop', subcode: 4, text: 'maintenance' }, to: 'Idle', sends: ['NOTIFICATION 6/4'], has: ['session-down'], starts: [] },
  // RFC 4724 §4: stopping for a graceful restart closes the connection without a NOTIFICATION.
  { from: 'Established', event: { type: 'ManualStop', silent: true }, to: 'Idle', sends: [], has: ['close', 'session-down'], starts: [] },
  { from: 'Established', event: { type: 'Tcp_CR_Acked' }, to: 'Established', sends: [] },
  { from: 'Established', event: { type: 'DelayOpenTimer_Expires' }, to: 'Established', sends: [] },
];

function label(r: Row): string {
  const cfg = r.config ? ` ${JSON.stringify(r.config)}` : '';
  return `${r.from} + ${r.event.type}${'open' in r.event && r.event.open ? ` (AS ${r.event.open.myAs}, hold ${r.event.open.holdTime}, id ${r.event.open.bgpId})` : ''}${cfg} → ${r.to}`;
}

describe('FSM transitions (RFC 4271 §8.2.2)', () => {
  it.each(ROWS.map((r) => [label(r), r] as const))('%s', (_l, row) => {
    const d = driverIn(row.from, fsmConfig(row.config));
    const acts = d.feed(row.event);
    expect(d.state.name).toBe(row.to);
    if (row.sends) expect(sent(acts)).toEqual(row.sends);
    if (row.starts) expect(started(acts)).toEqual(row.starts);
    for (const t of row.has ?? []) expect(kinds(acts)).toContain(t);
    for (const t of row.hasNot ?? []) expect(kinds(acts)).not.toContain(t);
    if (row.to === 'Idle') {
      expect(runningTimers(d.state).filter((t) => t !== 'IdleHold')).toEqual([]);
      expect(d.state.connection).toBe(false);
    }
    // The shell's timers, kept from the actions alone, always match the state's.
    expect([...d.shellTimers.keys()].sort()).toEqual(runningTimers(d.state).sort());
  });
});

describe('FSM details', () => {
  it('jitters the ConnectRetryTimer to 75–100 % (RFC 4271 §10), reproducibly per seed', () => {
    const values = new Set<number>();
    for (let seed = 1; seed < 50; seed++) {
      const d = new FsmDriver(fsmConfig({ connectRetryMs: 10_000 }), seed);
      const a = d.feed({ type: 'ManualStart' }).find((x) => x.type === 'start-timer');
      if (a?.type !== 'start-timer') throw new Error('no timer');
      expect(a.ms).toBeGreaterThanOrEqual(7500);
      expect(a.ms).toBeLessThanOrEqual(10_000);
      values.add(a.ms);
      const again = new FsmDriver(fsmConfig({ connectRetryMs: 10_000 }), seed).feed({ type: 'ManualStart' });
      expect(again).toEqual(d.actions);
    }
    expect(values.size).toBeGreaterThan(30);
  });

  it('reconnects every ConnectRetryTime while the peer refuses', () => {
    const d = new FsmDriver(fsmConfig({ connectRetryMs: 4000 }));
    d.feed({ type: 'ManualStart' }, { type: 'TcpConnectionFails', reason: 'ECONNREFUSED' });
    expect(d.state.name).toBe('Active');
    const acts = d.advance(4000);
    expect(d.state.name).toBe('Connect');
    expect(kinds(acts)).toContain('connect');
  });

  it('uses the large hold timer in OpenSent and catches a silent peer after 4 minutes', () => {
    const d = driverIn('OpenSent');
    expect(d.state.timers.Hold).toBe(240_000);
    expect(d.advance(239_999)).toEqual([]);
    expect(sent(d.advance(1))).toEqual(['NOTIFICATION 4/0']);
    expect(d.state.name).toBe('Idle');
  });

  it('keeps an Established session alive with keepalives every third of the hold time', () => {
    const d = driverIn('Established');
    const acts = d.advance(89_000);
    expect(sent(acts)).toEqual(['KEEPALIVE', 'KEEPALIVE']);
    expect(d.state.name).toBe('Established');
    d.feed({ type: 'KeepAliveMsg' });
    expect(d.state.timers.Hold).toBe(89_000 + 90_000);
  });

  it('uses a configured keepalive shorter than a third of the hold time', () => {
    const d = driverIn('Established', fsmConfig({ session: settings({ keepaliveTime: 10 }) }));
    expect(sent(d.advance(30_000))).toEqual(['KEEPALIVE', 'KEEPALIVE', 'KEEPALIVE']);
  });

  it('ends a session whose peer goes silent when the hold timer expires', () => {
    const d = driverIn('Established');
    const acts = d.advance(90_000);
    expect(sent(acts)).toContain('NOTIFICATION 4/0');
    expect(d.state.name).toBe('Idle');
    const down = acts.find((a) => a.type === 'session-down');
    expect(down).toMatchObject({ reason: 'hold timer expired', error: { direction: 'sent', notification: { code: 4, subcode: 0 } } });
  });

  it('runs no hold or keepalive timer when the hold time is 0', () => {
    const d = new FsmDriver();
    d.feed({ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen({ holdTime: 0 }) }, { type: 'KeepAliveMsg' });
    expect(d.state.name).toBe('Established');
    expect(runningTimers(d.state)).toEqual([]);
    expect(d.advance(3_600_000)).toEqual([]);
  });

  it('answers an OPEN during DelayOpen with OPEN and KEEPALIVE (RFC 4271 §8.1.1)', () => {
    const d = new FsmDriver(fsmConfig({ delayOpenMs: 5000 }));
    d.feed({ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' });
    const acts = d.feed({ type: 'BGPOpen', open: peerOpen() });
    expect(sent(acts)).toEqual(['OPEN', 'KEEPALIVE']);
    expect(d.state.name).toBe('OpenConfirm');
    expect(d.state.timers.DelayOpen).toBeNull();
  });

  it('sends its OPEN when DelayOpen runs out', () => {
    const d = new FsmDriver(fsmConfig({ delayOpenMs: 5000 }));
    d.feed({ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' });
    expect(sent(d.advance(5000))).toEqual(['OPEN']);
    expect(d.state.name).toBe('OpenSent');
  });

  it('sends a Cease during DelayOpen when stopped, and drops early messages silently', () => {
    const d = new FsmDriver(fsmConfig({ delayOpenMs: 5000 }));
    d.feed({ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' });
    expect(sent(d.feed({ type: 'ManualStop' }))).toEqual(['NOTIFICATION 6/2']);
    const e = new FsmDriver(fsmConfig({ delayOpenMs: 5000 }));
    e.feed({ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' });
    const acts = e.feed({ type: 'KeepAliveMsg' });
    expect(sent(acts)).toEqual([]);
    expect(e.state.name).toBe('Idle');
  });

  it('carries the RFC 9003 shutdown communication in the Cease', () => {
    const d = driverIn('Established');
    const acts = d.feed({ type: 'ManualStop', text: 'moving to rack 12' });
    const send = acts.find((a) => a.type === 'send');
    if (send?.type !== 'send' || send.message.type !== 'NOTIFICATION') throw new Error('no NOTIFICATION');
    expect(shutdownCommunication(send.message as NotificationMessage)).toBe('moving to rack 12');
    expect(d.state.autoRestart).toBe(false);
  });

  it('puts AFI, SAFI and the limit in the maximum-prefix Cease (RFC 4486 §4)', () => {
    const d = driverIn('Established');
    const send = d.feed({ type: 'MaxPrefixExceeded', afi: 2, safi: 1, limit: 1000 }).find((a) => a.type === 'send');
    if (send?.type !== 'send' || send.message.type !== 'NOTIFICATION') throw new Error('no NOTIFICATION');
    expect([...send.message.data]).toEqual([0, 2, 1, 0, 0, 0x03, 0xe8]);
    expect(d.state.autoRestart).toBe(false);
  });

  it('restarts after the idle hold, and stays down after ManualStop', () => {
    const d = driverIn('Established');
    d.feed({ type: 'NotifMsg', notification: spec(6, 4) });
    expect(d.state.timers.IdleHold).toBe(1000);
    d.advance(1000);
    expect(d.state.name).toBe('Connect');
    const e = driverIn('Established');
    e.feed({ type: 'NotifMsg', notification: spec(6, 4) }, { type: 'ManualStop' });
    expect(runningTimers(e.state)).toEqual([]);
    expect(e.advance(600_000)).toEqual([]);
    expect(e.state.name).toBe('Idle');
  });

  it('ignores AutomaticStart while the idle hold damps the peer', () => {
    const d = driverIn('OpenSent');
    d.feed({ type: 'HoldTimer_Expires' });
    expect(d.feed({ type: 'AutomaticStart' })).toEqual([]);
    expect(d.state.name).toBe('Idle');
  });

  it('doubles the idle hold after each failure in a row, up to the ceiling (DampPeerOscillations)', () => {
    const d = new FsmDriver(fsmConfig({ idleHoldMs: 1000, idleHoldMaxMs: 10_000 }));
    d.feed({ type: 'ManualStart' });
    const holds: number[] = [];
    for (let i = 0; i < 6; i++) {
      d.feed({ type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen({ myAs: 65099 }) });
      const hold = d.state.timers.IdleHold;
      if (hold === null) throw new Error('no idle hold');
      holds.push(hold - d.now);
      d.advance(hold - d.now);
      expect(d.state.name).toBe('Connect');
    }
    expect(holds).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('keeps the idle hold constant without damping', () => {
    const d = new FsmDriver(fsmConfig({ dampPeerOscillations: false }));
    d.feed({ type: 'ManualStart' });
    for (let i = 0; i < 4; i++) {
      d.feed({ type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen({ myAs: 65099 }) });
      expect((d.state.timers.IdleHold ?? 0) - d.now).toBe(1000);
      d.advance(1000);
    }
  });

  it('forgets earlier failures after a stable session', () => {
    const d = new FsmDriver(fsmConfig({ stableMs: 60_000 }));
    d.feed({ type: 'ManualStart' });
    for (let i = 0; i < 3; i++) {
      d.feed({ type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen({ myAs: 65099 }) });
      d.advance((d.state.timers.IdleHold ?? 0) - d.now);
    }
    expect(d.state.failures).toBe(3);
    d.feed({ type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen() }, { type: 'KeepAliveMsg' });
    d.advance(61_000);
    d.feed({ type: 'KeepAliveMsg' }); // keeps the session alive
    d.feed({ type: 'NotifMsg', notification: spec(6, 2) });
    expect(d.state.failures).toBe(1);
    expect((d.state.timers.IdleHold ?? 0) - d.now).toBe(1000);
  });

  it('does not count a lost collision as a failure', () => {
    const d = driverIn('OpenConfirm');
    d.feed({ type: 'OpenCollisionDump' });
    expect(d.state.failures).toBe(0);
  });

  it('ignores the late expiry of a stopped timer', () => {
    const d = driverIn('Established');
    expect(d.feed({ type: 'ConnectRetryTimer_Expires' })).toEqual([]);
    expect(d.feed({ type: 'IdleHoldTimer_Expires' })).toEqual([]);
  });

  it('reports the negotiated session with the established action', () => {
    const d = driverIn('OpenConfirm');
    const est = d.feed({ type: 'KeepAliveMsg' }).find((a) => a.type === 'established');
    expect(est).toMatchObject({ negotiated: { holdTime: 90, keepaliveTime: 30, families: ['ipv4', 'ipv6'], peerAs: 65000 } });
    expect(d.state.establishedAt).toBe(0);
  });

  it('tells the state changes with their reasons', () => {
    const d = new FsmDriver();
    const acts = d.feed({ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen() }, { type: 'KeepAliveMsg' });
    expect(acts.filter((a) => a.type === 'state-change').map((a) => (a.type === 'state-change' ? `${a.from}>${a.to}` : ''))).toEqual([
      'Idle>Connect',
      'Connect>OpenSent',
      'OpenSent>OpenConfirm',
      'OpenConfirm>Established',
    ]);
  });

  it('records received and sent NOTIFICATIONs as the last error', () => {
    const d = driverIn('Established');
    d.now = 5000;
    const errs = d.feed({ type: 'NotifMsg', notification: spec(6, 2) }).filter((a) => a.type === 'last-error');
    expect(errs).toEqual([{ type: 'last-error', error: { time: 5000, direction: 'received', notification: spec(6, 2), reason: 'received NOTIFICATION Cease/Administrative Shutdown' } }]);
  });
});
