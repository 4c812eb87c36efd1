// The Adj-RIB-Out keeps what is still to send as keys and makes UPDATEs a slice at a time:
// a slice holds at most its budget of routes, a newer change to a pending route replaces the
// older one, and what leaves in the end is exactly the latest state, whatever the slicing.
import { describe, expect, it } from 'vitest';
import { AS4_CONTEXT, decodeMessage, makeAttribute, type UpdateMessage } from '../../../src/bgp/wire/index.js';
import { AdjRibOut } from '../../../src/rib/adj-rib-out.js';
import { RouteKeys } from '../../../src/rib/route-key.js';

const keys = new RouteKeys();
const key = (i: number) => keys.parse(`10.${i >> 8}.${i & 0xff}.0/24`) as number;

function route(community: number) {
  return { attributes: [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', []), makeAttribute('LOCAL_PREF', 100), makeAttribute('COMMUNITIES', [community])], nextHop: '10.69.0.5', linkLocal: null };
}

/** Decodes messages into prefix → community (or 'withdrawn'). */
function apply(state: Map<string, number | 'withdrawn'>, messages: Uint8Array[]): number {
  let routes = 0;
  for (const m of messages) {
    const r = decodeMessage(m, AS4_CONTEXT);
    if (!('message' in r) || r.message.type !== 'UPDATE') throw new Error('bad UPDATE');
    const u: UpdateMessage = r.message;
    for (let i = 0; i < u.withdrawn.count; i++) {
      state.set(keys.format(u.withdrawn.keys[i] as number), 'withdrawn');
      routes++;
    }
    const c = u.attributes.find((a) => a.name === 'COMMUNITIES');
    for (let i = 0; i < u.nlri.count; i++) {
      state.set(keys.format(u.nlri.keys[i] as number), (c?.value as number[])[0] as number);
      routes++;
    }
  }
  return routes;
}

describe('AdjRibOut', () => {
  it('sends pending changes in slices of at most the budget, the latest change per route', () => {
    const out = new AdjRibOut(keys);
    for (let i = 0; i < 1000; i++) out.update(key(i), out.intern(route(i), 'ipv4'));
    // Half of them change again before anything is sent: only the newer state goes.
    for (let i = 0; i < 1000; i += 2) out.update(key(i), out.intern(route(100_000 + i), 'ipv4'));
    expect(out.pendingCount).toBe(1000);
    const seen = new Map<string, number | 'withdrawn'>();
    let slices = 0;
    while (out.pendingCount > 0) {
      expect(apply(seen, out.flush(AS4_CONTEXT, 64))).toBeLessThanOrEqual(64);
      slices++;
    }
    expect(slices).toBe(Math.ceil(1000 / 64));
    expect(seen.size).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(seen.get(keys.format(key(i)))).toBe(i % 2 === 0 ? 100_000 + i : i);
    expect(out.size).toBe(1000);
  });

  it('takes changes made while a round is under way, and drops ones that return to what was sent', () => {
    const out = new AdjRibOut(keys);
    for (let i = 0; i < 300; i++) out.update(key(i), out.intern(route(1), 'ipv4'));
    const seen = new Map<string, number | 'withdrawn'>();
    apply(seen, out.flush(AS4_CONTEXT));
    // Round 2: withdraw 0..99, re-announce 100..199 differently, then half-way through put 100..149 back.
    for (let i = 0; i < 100; i++) out.update(key(i), null);
    for (let i = 100; i < 200; i++) out.update(key(i), out.intern(route(2), 'ipv4'));
    apply(seen, out.flush(AS4_CONTEXT, 50));
    for (let i = 100; i < 150; i++) out.update(key(i), out.intern(route(1), 'ipv4'));
    out.update(key(250), out.intern(route(3), 'ipv4'));
    while (out.pendingCount > 0) apply(seen, out.flush(AS4_CONTEXT, 50));
    for (let i = 0; i < 300; i++) {
      const want = i < 100 ? 'withdrawn' : i < 150 ? 1 : i < 200 ? 2 : i === 250 ? 3 : 1;
      expect([i, seen.get(keys.format(key(i)))]).toEqual([i, want]);
    }
    expect(out.size).toBe(200);
  });

  it('answers a refresh with what was sent, one slice at a time, and forgets sets nobody uses', () => {
    const out = new AdjRibOut(keys);
    for (let i = 0; i < 500; i++) out.update(key(i), out.intern(route(i % 7), 'ipv4'));
    out.flush(AS4_CONTEXT);
    const again = new Map<string, number | 'withdrawn'>();
    apply(again, [...out.resend(AS4_CONTEXT, 'ipv4', 100)]);
    expect(again.size).toBe(500);
    for (let i = 0; i < 500; i++) expect(again.get(keys.format(key(i)))).toBe(i % 7);
    for (let i = 0; i < 500; i++) out.update(key(i), null);
    out.flush(AS4_CONTEXT);
    expect(out.size).toBe(0);
    // Every set was freed: interning again starts from id 0 and reuses the slots.
    expect(out.intern(route(99), 'ipv4')).toBeLessThan(7);
  });
});
