import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixListFrom } from '../../src/bgp/wire/index.js';
import { AttrStore } from '../../src/rib/attr-store.js';
import { selectPair, selectPaths, type Candidate } from '../../src/rib/decision.js';
import { PrefixTable } from '../../src/rib/prefix-table.js';
import { Rib } from '../../src/rib/rib.js';
import { attrsInput, bgpSource } from '../unit/rib/fixtures.js';

const attrOpts = fc.record({
  localPref: fc.option(fc.integer({ min: 90, max: 110 }), { nil: undefined }),
  path: fc.array(fc.integer({ min: 65001, max: 65003 }), { maxLength: 3 }),
  origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
  med: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  nextHop: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'),
});
const sourceOpts = fc.record({ ibgp: fc.boolean(), routerId: fc.constantFrom('1.1.1.1', '2.2.2.2', '3.3.3.3') });

describe('RIB properties', () => {
  it('selectPair agrees with selectPaths', () => {
    const store = new AttrStore();
    fc.assert(
      fc.property(attrOpts, attrOpts, sourceOpts, sourceOpts, fc.boolean(), fc.integer({ min: 1, max: 3 }), (a, b, sa, sb, acm, maxPaths) => {
        const ca: Candidate = { source: bgpSource(0, sa), attrs: store.intern(attrsInput(a)) };
        const cb: Candidate = { source: bgpSource(1, sb), attrs: store.intern(attrsInput(b)) };
        const opts = { maxPaths, alwaysCompareMed: acm };
        const sel = selectPaths([ca, cb], opts).chosen;
        const expected = sel.length === 2 ? (sel[0] === 0 ? 2 : 3) : sel[0];
        expect(selectPair(ca, cb, opts)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('the Loc-RIB does not depend on arrival order, and withdrawing everything empties it', () => {
    const route = fc.record({ source: fc.integer({ min: 0, max: 3 }), prefix: fc.integer({ min: 0, max: 7 }), attrs: attrOpts });
    fc.assert(
      fc.property(fc.array(route, { minLength: 1, maxLength: 30 }), fc.integer(), (routes, seed) => {
        // Last announcement per (source, prefix) wins, whatever order the sources' messages interleave in.
        const final = new Map<string, (typeof routes)[number]>();
        for (const r of routes) final.set(`${r.source}/${r.prefix}`, r);
        const build = (order: (typeof routes)[number][]) => {
          const rib = new Rib();
          for (let s = 0; s < 4; s++) rib.addSource(bgpSource(s, { routerId: `1.1.1.${s + 1}`, ibgp: s % 2 === 0 }));
          for (const r of order) rib.announce(r.source, prefixListFrom(1, [`10.${r.prefix}.0.0/16`]), rib.attrs.intern(attrsInput(r.attrs)));
          return rib;
        };
        const list = [...final.values()];
        const shuffled = [...list].sort((x, y) => ((x.prefix * 31 + x.source * 7 + seed) % 11) - ((y.prefix * 31 + y.source * 7 + seed) % 11));
        const r1 = build(list);
        const r2 = build(shuffled);
        const view = (rib: Rib) => {
          const out: string[] = [];
          rib.forEachRoute((key, sel) => out.push(`${rib.keys.format(key)} ${sel.sources.join(',')} ${sel.attrIds.map((a) => rib.attrs.get(a).nextHop).join(',')}`));
          return out.sort();
        };
        expect(view(r2)).toEqual(view(r1));
        for (let s = 0; s < 4; s++) r1.withdrawAll(s);
        expect(r1.size).toBe(0);
        expect(r1.attrs.size).toBe(0);
        expect(r1.stats().selections).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('PrefixTable behaves like a Map', () => {
    const op = fc.record({ kind: fc.constantFrom('set', 'delete'), key: fc.integer({ min: 0, max: 200 }).map((k) => k * 64 + 24), value: fc.nat(1000) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const t = new PrefixTable();
        const m = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') expect(t.set(o.key, o.value)).toBe(m.get(o.key) ?? -1), m.set(o.key, o.value);
          else expect(t.delete(o.key)).toBe(m.get(o.key) ?? -1), m.delete(o.key);
        }
        expect(t.size).toBe(m.size);
        for (const [k, v] of m) expect(t.get(k)).toBe(v);
        const seen = new Map<number, number>();
        t.forEach((k, v) => seen.set(k, v));
        expect(seen).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });
});
