// The Adj-RIB-Ins as columns by route slot (src/rib/rib.ts): two neighbors announcing and
// withdrawing overlapping sets of IPv4 and IPv6 prefixes, with stale marking and session-down
// flushes, must leave each Adj-RIB-In and the Loc-RIB equal to a Map model; a key keeps its slot
// while any table holds it, no two held keys share a slot, and a key nobody holds has none.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixListFrom } from '../../src/bgp/wire/index.js';
import { Rib } from '../../src/rib/rib.js';
import { attrsInput, bgpSource } from '../unit/rib/fixtures.js';

const PREFIXES = [
  ...Array.from({ length: 8 }, (_, i) => `10.${i}.0.0/16`),
  ...Array.from({ length: 4 }, (_, i) => `2001:db8:${i + 1}::/48`),
];
const NEXT_HOPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
const SOURCES = 2;

function listOf(prefixes: string[]) {
  const v4 = prefixes.filter((p) => !p.includes(':'));
  const v6 = prefixes.filter((p) => p.includes(':'));
  return [v4.length > 0 ? prefixListFrom(1, v4) : null, v6.length > 0 ? prefixListFrom(2, v6) : null].filter((l) => l !== null);
}

const op = fc.record({
  what: fc.constantFrom('announce', 'announce', 'withdraw', 'withdraw', 'flush', 'stale', 'sweep'),
  source: fc.integer({ min: 0, max: SOURCES - 1 }),
  prefixes: fc.subarray(PREFIXES, { minLength: 1, maxLength: 6 }),
  nextHop: fc.integer({ min: 0, max: NEXT_HOPS.length - 1 }),
});

describe('Adj-RIB-Ins by route slot', () => {
  it('two neighbors with overlapping tables: every table equals a Map model, slots live exactly as long as a table holds them', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const rib = new Rib();
        for (let s = 0; s < SOURCES; s++) rib.addSource(bgpSource(s, { routerId: `1.1.1.${s + 1}`, ibgp: true }));
        /** Per source: prefix → [next hop index, stale]. */
        const model = Array.from({ length: SOURCES }, () => new Map<string, [number, boolean]>());
        /** The slot each held prefix got when it was first held. */
        const slotOf = new Map<string, number>();
        for (const o of ops) {
          const m = model[o.source]!;
          switch (o.what) {
            case 'announce': {
              const attrs = rib.attrs.intern(attrsInput({ nextHop: NEXT_HOPS[o.nextHop]! }));
              for (const l of listOf(o.prefixes)) rib.announce(o.source, l, attrs);
              for (const p of o.prefixes) m.set(p, [o.nextHop, false]);
              break;
            }
            case 'withdraw':
              for (const l of listOf(o.prefixes)) rib.withdraw(o.source, l);
              for (const p of o.prefixes) m.delete(p);
              break;
            case 'flush':
              rib.withdrawAll(o.source);
              m.clear();
              break;
            case 'stale':
              expect(rib.markStale(o.source)).toBe(m.size);
              for (const v of m.values()) v[1] = true;
              break;
            case 'sweep': {
              const stale = [...m].filter(([, v]) => v[1]).map(([p]) => p);
              expect(rib.sweepStale(o.source)).toBe(stale.length);
              for (const p of stale) m.delete(p);
              break;
            }
          }
          rib.keys.v6.sweep(); // as the route engine does after each round
          const used = new Map<number, string>();
          let routed = 0;
          for (const p of PREFIXES) {
            const key = rib.keys.parse(p) ?? -1;
            const held = model.some((t) => t.has(p));
            const slot = key < 0 ? -1 : rib.keys.slots.find(key);
            if (!held) {
              expect(slot).toBe(-1);
              slotOf.delete(p);
            } else {
              expect(slot).toBeGreaterThanOrEqual(0);
              if (slotOf.has(p)) expect(slot).toBe(slotOf.get(p)); // stable while held
              slotOf.set(p, slot);
              expect(used.has(slot)).toBe(false); // one key per slot
              used.set(slot, p);
              routed++;
            }
            for (let s = 0; s < SOURCES; s++) {
              const want = model[s]!.get(p);
              const got = key < 0 ? null : rib.adjRibInEntry(s, key);
              expect(got === null ? null : [NEXT_HOPS.indexOf(got.attrs.nextHop ?? ''), got.stale]).toEqual(want ?? null);
              expect(key >= 0 && rib.holds(s, key)).toBe(want !== undefined);
            }
            const sel = key < 0 ? null : rib.selected(key);
            expect(sel !== null).toBe(held);
            if (sel !== null) {
              // The selection names holders only (which of them is the decision process's business).
              const holders = model.flatMap((t, s) => (t.has(p) ? [s] : []));
              expect(sel.sources.length).toBeGreaterThan(0);
              for (const s of sel.sources) expect(holders).toContain(s);
            }
          }
          expect(rib.size).toBe(routed);
          expect(rib.keys.slots.size).toBe(routed);
          for (let s = 0; s < SOURCES; s++) {
            const m = model[s]!;
            expect(rib.adjRibInSize(s)).toBe(m.size);
            expect(rib.adjRibInCount(s, 'ipv6')).toBe([...m.keys()].filter((p) => p.includes(':')).length);
            expect(rib.staleCount(s)).toBe([...m.values()].filter((v) => v[1]).length);
            const walked = new Map<string, [number, boolean]>();
            rib.forEachAdjRibIn(s, (key, attrs, stale) => walked.set(rib.keys.format(key), [NEXT_HOPS.indexOf(attrs.nextHop ?? ''), stale]));
            expect(walked).toEqual(m);
          }
        }
        for (let s = 0; s < SOURCES; s++) rib.withdrawAll(s);
        rib.keys.v6.sweep();
        expect(rib.size).toBe(0);
        expect(rib.keys.slots.size).toBe(0);
        expect(rib.keys.v6.size).toBe(0);
        expect(rib.attrs.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
