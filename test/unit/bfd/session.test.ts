// The BFD session machine against RFC 5880 §6.8 with a fake clock: every reception transition,
// the detection timer, poll/final, the slow rate outside Up, jitter, AdminDown.
import { describe, expect, it } from 'vitest';
import { Diag, type BfdStateName, type ControlPacket } from '../../../src/bfd/packet.js';
import { detectionTimeUs, initialSession, step, transmitIntervalUs, type SessionAction, type SessionEvent, type SessionState } from '../../../src/bfd/session.js';
import { DiscriminatorPool, REUSE_QUARANTINE_MS } from '../../../src/bfd/discriminators.js';

const config = { desiredMinTxUs: 20_000, requiredMinRxUs: 20_000, detectMult: 3 };

function remote(state: BfdStateName, extra: Partial<ControlPacket> = {}): SessionEvent {
  return {
    type: 'Packet',
    packet: {
      version: 1, diag: 0, state, poll: false, final: false, controlPlaneIndependent: false, demand: false, multipoint: false,
      detectMult: 3, myDiscriminator: 99, yourDiscriminator: 7, desiredMinTxUs: 10_000, requiredMinRxUs: 10_000, requiredMinEchoRxUs: 0, auth: null,
      ...extra,
    },
  };
}

function run(s: SessionState, events: SessionEvent[], now = 0): { state: SessionState; actions: SessionAction[] } {
  const actions: SessionAction[] = [];
  for (const e of events) {
    const r = step(s, e, now);
    s = r.state;
    actions.push(...r.actions);
  }
  return { state: s, actions };
}

const sent = (actions: SessionAction[]): ControlPacket[] => actions.flatMap((a) => (a.type === 'send' ? [a.packet] : []));
const changes = (actions: SessionAction[]) => actions.flatMap((a) => (a.type === 'state-change' ? [[a.from, a.to, a.diag]] : []));

function inState(name: BfdStateName): SessionState {
  const s0 = initialSession(config, 7, 0);
  if (name === 'Down') return s0;
  if (name === 'AdminDown') return run(s0, [{ type: 'AdminDown' }]).state;
  if (name === 'Init') return run(s0, [remote('Down')]).state;
  return run(s0, [remote('Init')]).state;
}

describe('BFD session reception (RFC 5880 §6.8.6)', () => {
  const table: [BfdStateName, BfdStateName, BfdStateName, number | null][] = [
    ['Down', 'Down', 'Init', Diag.NeighborSignaledSessionDown],
    ['Down', 'Init', 'Up', null],
    ['Down', 'Up', 'Down', null],
    ['Down', 'AdminDown', 'Down', null],
    ['Init', 'Down', 'Init', null],
    ['Init', 'Init', 'Up', null],
    ['Init', 'Up', 'Up', null],
    ['Init', 'AdminDown', 'Down', Diag.NeighborSignaledSessionDown],
    ['Up', 'Down', 'Down', Diag.NeighborSignaledSessionDown],
    ['Up', 'Init', 'Up', null],
    ['Up', 'Up', 'Up', null],
    ['Up', 'AdminDown', 'Down', Diag.NeighborSignaledSessionDown],
    ['AdminDown', 'Down', 'AdminDown', null],
    ['AdminDown', 'Up', 'AdminDown', null],
  ];
  it.each(table)('%s receiving %s goes to %s', (from, heard, to, diag) => {
    const r = run(inState(from), [remote(heard)]);
    expect(r.state.state).toBe(to);
    if (to !== from) {
      expect(changes(r.actions)).toEqual([[from, to, expect.any(Number)]]);
      if (to === 'Down') expect(r.state.localDiag).toBe(diag);
      // A state change goes out at once.
      expect(sent(r.actions)[0]?.state).toBe(to);
    } else {
      expect(changes(r.actions)).toEqual([]);
    }
  });

  it('learns the remote discriminator and addresses it', () => {
    const r = run(inState('Down'), [remote('Down', { myDiscriminator: 1234 })]);
    expect(r.state.remoteDiscr).toBe(1234);
    expect(sent(r.actions)[0]?.yourDiscriminator).toBe(1234);
  });

  it('answers a Poll with a Final at once and never sets both', () => {
    const r = run(inState('Up'), [remote('Up', { poll: true })]);
    const finals = sent(r.actions).filter((p) => p.final);
    expect(finals).toHaveLength(1);
    expect(finals[0]?.poll).toBe(false);
  });
});

describe('BFD timers', () => {
  it('sends at most once per second while not Up, with 75–100 % jitter', () => {
    const r = run(initialSession(config, 7, 0), [{ type: 'Start' }]);
    const p = sent(r.actions)[0];
    expect(p).toMatchObject({ state: 'Down', desiredMinTxUs: 1_000_000, requiredMinRxUs: 20_000, yourDiscriminator: 0, myDiscriminator: 7 });
    expect(r.state.timers.tx).toBeGreaterThanOrEqual(750);
    expect(r.state.timers.tx).toBeLessThanOrEqual(1000);
  });

  it('keeps jitter within 75–100 %, or 75–90 % with a multiplier of 1 (§6.8.7)', () => {
    for (const detectMult of [3, 1]) {
      let s = run(initialSession({ ...config, detectMult }, 7, 0, 12345), [{ type: 'Start' }]).state;
      let min = Infinity;
      let max = 0;
      let now = 0;
      for (let i = 0; i < 500; i++) {
        const at = s.timers.tx!;
        min = Math.min(min, at - now);
        max = Math.max(max, at - now);
        now = at;
        s = step(s, { type: 'TxTimer' }, now).state;
      }
      expect(min).toBeGreaterThanOrEqual(750);
      expect(max).toBeLessThanOrEqual(detectMult === 1 ? 900 : 1000);
      expect(max - min).toBeGreaterThan(detectMult === 1 ? 100 : 200);
    }
  });

  it('goes Up at the slow rate and uses the fast one only after the Final', () => {
    let r = run(inState('Down'), [remote('Init')], 0);
    expect(r.state.state).toBe('Up');
    expect(r.state.polling).toBe(true);
    expect(r.state.advertised.txUs).toBe(20_000);
    expect(transmitIntervalUs(r.state)).toBe(1_000_000);
    expect(sent(r.actions).every((p) => p.poll)).toBe(true);
    r = run(r.state, [remote('Up', { final: true, requiredMinRxUs: 10_000 })], 5);
    expect(r.state.polling).toBe(false);
    // TX = max(our desired min TX, remote required min RX).
    expect(transmitIntervalUs(r.state)).toBe(20_000);
    expect(r.state.timers.tx! - 5).toBeLessThanOrEqual(20);
    r = run(r.state, [remote('Up', { requiredMinRxUs: 50_000 })], 6);
    expect(transmitIntervalUs(r.state)).toBe(50_000);
  });

  it('detects after the remote multiplier × max(our min RX, its desired TX), then forgets the remote', () => {
    const up = run(inState('Up'), [remote('Up', { desiredMinTxUs: 30_000, detectMult: 4 })], 100).state;
    expect(detectionTimeUs(up)).toBe(4 * 30_000);
    expect(up.timers.detect).toBe(100 + 120);
    expect(step(up, { type: 'DetectTimer' }, 150).actions).toEqual([]);
    const r = run(up, [{ type: 'DetectTimer' }], 220);
    expect(changes(r.actions)).toEqual([['Up', 'Down', Diag.ControlDetectionTimeExpired]]);
    expect(r.state.remoteDiscr).toBe(0);
    expect(r.state.downCount).toBe(1);
    expect(sent(r.actions)[0]).toMatchObject({ state: 'Down', diag: 1, yourDiscriminator: 0, desiredMinTxUs: 1_000_000 });
  });

  it('a reduced min RX counts for detection only once the Final comes back', () => {
    let s = run(inState('Up'), [remote('Up', { final: true, desiredMinTxUs: 5_000 })]).state;
    expect(detectionTimeUs(s)).toBe(3 * 20_000);
    s = run(s, [{ type: 'Configure', config: { ...config, requiredMinRxUs: 10_000 } }]).state;
    expect(s.polling).toBe(true);
    expect(s.advertised.rxUs).toBe(10_000);
    expect(detectionTimeUs(s)).toBe(3 * 20_000);
    s = run(s, [remote('Up', { final: true, desiredMinTxUs: 5_000 })]).state;
    expect(detectionTimeUs(s)).toBe(3 * 10_000);
  });

  it('sends a Poll at once for a change while Up and repeats it until the Final', () => {
    const up = run(inState('Up'), [remote('Up', { final: true })]).state;
    let r = run(up, [{ type: 'Configure', config: { ...config, desiredMinTxUs: 100_000 } }], 10);
    expect(sent(r.actions)).toHaveLength(1);
    expect(sent(r.actions)[0]).toMatchObject({ poll: true, desiredMinTxUs: 100_000 });
    // A slower TX is not used before the Final (§6.8.3).
    expect(transmitIntervalUs(r.state)).toBe(20_000);
    r = run(r.state, [{ type: 'TxTimer' }], r.state.timers.tx!);
    expect(sent(r.actions)[0]?.poll).toBe(true);
    r = run(r.state, [remote('Up', { final: true })], 40);
    expect(transmitIntervalUs(r.state)).toBe(100_000);
    r = run(r.state, [{ type: 'TxTimer' }], r.state.timers.tx!);
    expect(sent(r.actions)[0]?.poll).toBe(false);
  });

  it('changes outside Up apply at once without a poll', () => {
    const s = run(inState('Down'), [{ type: 'Configure', config: { ...config, requiredMinRxUs: 300_000 } }]).state;
    expect(s.polling).toBe(false);
    expect(s.active.rxUs).toBe(300_000);
  });

  it('stops periodic packets when the remote asks for none (Required Min RX 0)', () => {
    const r = run(inState('Up'), [remote('Up', { requiredMinRxUs: 0 })]);
    expect(r.state.timers.tx).toBeNull();
  });

  it('AdminDown tells the remote with diag 7, stops detection and ignores packets until AdminUp', () => {
    let r = run(inState('Up'), [{ type: 'AdminDown' }]);
    expect(changes(r.actions)).toEqual([['Up', 'AdminDown', Diag.AdministrativelyDown]]);
    expect(sent(r.actions)[0]).toMatchObject({ state: 'AdminDown', diag: 7 });
    expect(r.state.timers.detect).toBeNull();
    r = run(r.state, [remote('Up'), { type: 'AdminUp' }]);
    expect(changes(r.actions)).toEqual([['AdminDown', 'Down', Diag.None]]);
  });
});

describe('discriminators', () => {
  it('are nonzero, unique, and not reused within the quarantine', () => {
    const values = [5 / 0xffffffff, 5 / 0xffffffff, 0, 5 / 0xffffffff, 9 / 0xffffffff];
    let i = 0;
    const pool = new DiscriminatorPool(() => values[i++ % values.length]!);
    expect(pool.allocate(0)).toBe(6);
    expect(pool.allocate(0)).toBe(1);
    pool.release(6, 10);
    expect(pool.allocate(20)).toBe(10);
    i = 0;
    expect(pool.allocate(10 + REUSE_QUARANTINE_MS)).toBe(6);
  });
});
