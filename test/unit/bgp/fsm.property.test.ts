import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runningTimers, type FsmEvent } from '../../../src/bgp/fsm.js';
import { EMPTY_IPV4, type UpdateMessage } from '../../../src/bgp/wire/index.js';
import { FsmDriver } from './fsm-driver.js';
import { LOCAL_ID, fsmConfig, peerOpen } from './helpers.js';

const UPDATE: UpdateMessage = { type: 'UPDATE', withdrawn: EMPTY_IPV4, attributes: [], nlri: EMPTY_IPV4 };
const spec = (code: number, subcode: number) => ({ code, subcode, data: new Uint8Array(0) });

const simple: FsmEvent[] = [
  { type: 'ManualStart' },
  { type: 'ManualStart_with_PassiveTcpEstablishment' },
  { type: 'ManualStop' },
  { type: 'ManualStop', subcode: 4, text: 'reset' },
  { type: 'AutomaticStart' },
  { type: 'AutomaticStop', subcode: 8, reason: 'slow' },
  { type: 'ConnectRetryTimer_Expires' },
  { type: 'HoldTimer_Expires' },
  { type: 'KeepaliveTimer_Expires' },
  { type: 'DelayOpenTimer_Expires' },
  { type: 'IdleHoldTimer_Expires' },
  { type: 'TcpConnection_Valid' },
  { type: 'Tcp_CR_Acked' },
  { type: 'TcpConnectionConfirmed' },
  { type: 'TcpConnectionFails', reason: 'reset' },
  { type: 'BGPHeaderErr', notification: spec(1, 1), reason: 'marker' },
  { type: 'BGPOpenMsgErr', notification: spec(2, 1), reason: 'version' },
  { type: 'UpdateMsgErr', notification: spec(3, 1), reason: 'attributes' },
  { type: 'RouteRefreshMsgErr', notification: spec(7, 1), reason: 'length' },
  { type: 'NotifMsg', notification: spec(6, 2) },
  { type: 'KeepAliveMsg' },
  { type: 'UpdateMsg', message: UPDATE, outcome: 'ok', issues: [] },
  { type: 'RouteRefreshMsg', afi: 1, safi: 1, subtype: 0, orf: null },
  { type: 'OpenCollisionDump' },
  { type: 'BfdDown' },
  { type: 'MaxPrefixExceeded', afi: 1, safi: 1, limit: 10 },
];

const openEvent = fc
  .record({
    myAs: fc.constantFrom(65000, 65001, 0, 23456),
    holdTime: fc.constantFrom(0, 1, 3, 9, 90, 65535),
    bgpId: fc.constantFrom(peerOpen().bgpId, LOCAL_ID, 0, 0xffffffff),
  })
  .map((o): FsmEvent => ({ type: 'BGPOpen', open: peerOpen(o) }));

/** Mostly the events a real session sees, with clock jumps between them. */
const event = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...simple) },
  { weight: 2, arbitrary: openEvent },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 300_000 }).map((ms) => ({ advance: ms })) },
);

const config = fc.record({
  delayOpenMs: fc.constantFrom(0, 2000),
  passive: fc.boolean(),
  dampPeerOscillations: fc.boolean(),
  maxPrefixRestartMs: fc.constantFrom(0, 10_000),
});

describe('FSM properties', () => {
  it('never throws, never leaves a timer or connection behind in Idle, and its timers match the shell’s', () => {
    fc.assert(
      fc.property(config, fc.array(event, { maxLength: 60 }), fc.integer(), (cfg, events, seed) => {
        const d = new FsmDriver(fsmConfig(cfg), seed);
        for (const e of events) {
          if ('advance' in e) d.advance(e.advance);
          else d.feed(e);
          const s = d.state;
          const running = runningTimers(s);
          if (s.name === 'Idle') {
            expect(running.filter((t) => t !== 'IdleHold')).toEqual([]);
            expect(s.connection || s.connecting).toBe(false);
          } else {
            expect(running).not.toContain('IdleHold');
          }
          if (s.name === 'OpenSent' || s.name === 'OpenConfirm' || s.name === 'Established') expect(s.connection).toBe(true);
          if (s.name === 'OpenConfirm' || s.name === 'Established') {
            expect(s.negotiated).not.toBeNull();
            expect(running.includes('Hold')).toBe((s.negotiated?.holdTime ?? 0) > 0);
          } else {
            expect(s.negotiated).toBeNull();
          }
          expect([...d.shellTimers.keys()].sort()).toEqual([...running].sort());
          for (const t of running) expect(s.timers[t]).toBe(d.shellTimers.get(t));
        }
        // Whatever happened, a ManualStop brings everything to rest.
        d.feed({ type: 'ManualStop' });
        expect(d.state.name).toBe('Idle');
        expect(runningTimers(d.state)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('delivers UPDATEs only in Established and reports every session loss once', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const d = new FsmDriver();
        let established = 0;
        let downs = 0;
        for (const e of events) {
          const before = d.state.name;
          const acts = 'advance' in e ? d.advance(e.advance) : d.feed(e);
          for (const a of acts) {
            if (a.type === 'deliver-update' || a.type === 'deliver-route-refresh') expect(before).toBe('Established');
            if (a.type === 'established') established++;
            if (a.type === 'session-down') downs++;
          }
          expect(established - downs).toBe(d.state.name === 'Established' ? 1 : 0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
