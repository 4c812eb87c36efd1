// Two BFD session machines wired back to back through a lossless, in-order link with random delays:
// whatever their intervals, both reach Up, stay Up, and settle on the intervals of RFC 5880
// §6.8.7 again after one side lowers its own through a poll sequence.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ControlPacket } from '../../src/bfd/packet.js';
import { initialSession, step, transmitIntervalUs, type SessionConfig, type SessionEvent, type SessionState } from '../../src/bfd/session.js';

interface Pending {
  at: number;
  to: 0 | 1;
  packet: ControlPacket;
}

class BackToBack {
  readonly s: [SessionState, SessionState];
  readonly wire: Pending[] = [];
  now = 0;
  downsAfterUp = 0;
  private readonly lastArrival = [0, 0];
  private delays: number[];
  private delayIndex = 0;

  constructor(a: SessionConfig, b: SessionConfig, delays: number[]) {
    this.s = [initialSession(a, 1, 0, 11), initialSession(b, 2, 0, 22)];
    this.delays = delays;
    this.feed(0, { type: 'Start' });
    this.feed(1, { type: 'Start' });
  }

  feed(i: 0 | 1, e: SessionEvent): void {
    const r = step(this.s[i], e, this.now);
    this.s[i] = r.state;
    for (const a of r.actions) {
      if (a.type === 'send') {
        // In order, as on one link: a packet never overtakes the one sent before it.
        const at = Math.max(this.now + this.delays[this.delayIndex++ % this.delays.length]!, this.lastArrival[i]!);
        this.lastArrival[i] = at;
        this.wire.push({ at, to: i === 0 ? 1 : 0, packet: a.packet });
      }
      if (a.type === 'state-change' && a.from === 'Up') this.downsAfterUp++;
    }
  }

  /** Runs the earliest event of all until `until` (bounded by the number of steps). */
  runUntil(until: number): void {
    for (let steps = 0; steps < 200_000; steps++) {
      let best: { at: number; run: () => void } | null = null;
      const consider = (at: number | null, run: () => void) => {
        if (at !== null && (best === null || at < best.at)) best = { at, run };
      };
      for (const i of [0, 1] as const) {
        consider(this.s[i].timers.tx, () => this.feed(i, { type: 'TxTimer' }));
        consider(this.s[i].timers.detect, () => this.feed(i, { type: 'DetectTimer' }));
      }
      this.wire.sort((x, y) => x.at - y.at);
      const next = this.wire[0];
      if (next !== undefined) consider(next.at, () => { this.wire.shift(); this.feed(next.to, { type: 'Packet', packet: next.packet }); });
      if (best === null) return;
      const b: { at: number; run: () => void } = best;
      if (b.at > until) break;
      this.now = b.at;
      b.run();
    }
    this.now = until;
  }
}

const intervalUs = fc.integer({ min: 1, max: 400 }).map((ms) => ms * 1000);
const configArb = fc.record({ desiredMinTxUs: intervalUs, requiredMinRxUs: intervalUs, detectMult: fc.integer({ min: 2, max: 5 }) });

describe('two BFD machines back to back', () => {
  it('reach Up, stay Up and renegotiate to the lower interval', () => {
    fc.assert(
      fc.property(configArb, configArb, fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 400 }), (a, b, delays, lowerMs) => {
        const link = new BackToBack(a, b, delays);
        link.runUntil(5_000);
        expect(link.s.map((s) => s.state)).toEqual(['Up', 'Up']);
        expect(transmitIntervalUs(link.s[0])).toBe(Math.max(a.desiredMinTxUs, b.requiredMinRxUs));
        expect(transmitIntervalUs(link.s[1])).toBe(Math.max(b.desiredMinTxUs, a.requiredMinRxUs));
        const lower = Math.min(lowerMs * 1000, a.desiredMinTxUs, a.requiredMinRxUs);
        const a2 = { ...a, desiredMinTxUs: lower, requiredMinRxUs: lower };
        link.feed(0, { type: 'Configure', config: a2 });
        link.runUntil(10_000);
        expect(link.s.map((s) => s.state)).toEqual(['Up', 'Up']);
        expect(link.s.map((s) => s.polling)).toEqual([false, false]);
        expect(transmitIntervalUs(link.s[0])).toBe(Math.max(lower, b.requiredMinRxUs));
        expect(transmitIntervalUs(link.s[1])).toBe(Math.max(b.desiredMinTxUs, lower));
        expect(link.downsAfterUp).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
