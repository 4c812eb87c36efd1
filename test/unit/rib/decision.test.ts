import { describe, expect, it } from 'vitest';
import { AttrStore } from '../../../src/rib/attr-store.js';
import { selectPair, selectPaths, type Candidate } from '../../../src/rib/decision.js';
import { localSource } from '../../../src/rib/route-source.js';
import { attrsInput, bgpSource, type AttrOpts } from './fixtures.js';

const store = new AttrStore();
function cand(index: number, a: AttrOpts, s: Parameters<typeof bgpSource>[1] = {}): Candidate {
  return { source: bgpSource(index, s), attrs: store.intern(attrsInput({ nextHop: `192.0.2.${index + 1}`, ...a })) };
}

// Each row: candidates, the expected chosen indices (best first) and why index `loser` lost.
const cases: Array<{ name: string; cands: Candidate[]; chosen: number[]; loser?: number; reason?: string }> = [
  { name: 'higher LOCAL_PREF wins (RFC 4271 §9.1.2.1)', cands: [cand(0, { localPref: 100 }), cand(1, { localPref: 200 })], chosen: [1], loser: 0, reason: 'local-pref' },
  { name: 'missing LOCAL_PREF counts as 100', cands: [cand(0, {}), cand(1, { localPref: 99 })], chosen: [0], loser: 1, reason: 'local-pref' },
  { name: 'shorter AS_PATH wins', cands: [cand(0, { path: [1, 2] }), cand(1, { path: [3] })], chosen: [1], loser: 0, reason: 'as-path-length' },
  { name: 'AS_SET counts as one', cands: [cand(0, { segments: [{ type: 2, asns: [1] }, { type: 1, asns: [2, 3, 4] }] }), cand(1, { path: [5, 6, 7] })], chosen: [0], loser: 1, reason: 'as-path-length' },
  { name: 'confederation segments count zero (RFC 5065 §5.3)', cands: [cand(0, { segments: [{ type: 3, asns: [1, 2, 3] }, { type: 2, asns: [9] }] }), cand(1, { path: [5, 6] })], chosen: [0], loser: 1, reason: 'as-path-length' },
  { name: 'lower ORIGIN wins', cands: [cand(0, { origin: 2 }), cand(1, { origin: 0 })], chosen: [1], loser: 0, reason: 'origin' },
  { name: 'lower MED wins within one neighbor AS', cands: [cand(0, { path: [65001], med: 20 }), cand(1, { path: [65001], med: 10 })], chosen: [1], loser: 0, reason: 'med' },
  { name: 'MED not compared across neighbor ASes', cands: [cand(0, { path: [65001], med: 20 }), cand(1, { path: [65002], med: 10 })], chosen: [0, 1] },
  { name: 'missing MED is 0', cands: [cand(0, { path: [65001] }), cand(1, { path: [65001], med: 1 })], chosen: [0], loser: 1, reason: 'med' },
  { name: 'eBGP over iBGP', cands: [cand(0, { path: [65001] }, { ibgp: true }), cand(1, { path: [65001] }, { ibgp: false, peerAs: 65001 })], chosen: [1], loser: 0, reason: 'ebgp-over-ibgp' },
  { name: 'equal paths through the IGP step form ECMP, lower router id first', cands: [cand(0, {}, { routerId: '10.0.0.9' }), cand(1, {}, { routerId: '10.0.0.2' })], chosen: [1, 0] },
  { name: 'ORIGINATOR_ID stands in for the router id (RFC 4456 §9)', cands: [cand(0, { originatorId: '10.9.9.9' }, { routerId: '10.0.0.1' }), cand(1, {}, { routerId: '10.0.0.5' })], chosen: [1, 0] },
  { name: 'same next hop from two reflectors: one path, the lower router id', cands: [cand(0, { nextHop: '10.69.0.7' }, { routerId: '10.0.0.9' }), cand(1, { nextHop: '10.69.0.7' }, { routerId: '10.0.0.2' })], chosen: [1], loser: 0, reason: 'router-id' },
  { name: 'shorter CLUSTER_LIST breaks a router id tie', cands: [cand(0, { originatorId: '10.1.1.1', clusterList: ['1.1.1.1', '2.2.2.2'], nextHop: '10.0.0.1' }), cand(1, { originatorId: '10.1.1.1', clusterList: ['3.3.3.3'], nextHop: '10.0.0.1' })], chosen: [1], loser: 0, reason: 'cluster-list-length' },
  { name: 'lower peer address breaks the last tie', cands: [cand(0, { nextHop: '10.0.0.1' }, { address: '10.0.0.20', routerId: '1.1.1.1' }), cand(1, { nextHop: '10.0.0.1' }, { address: '10.0.0.10', routerId: '1.1.1.1' })], chosen: [1], loser: 0, reason: 'peer-address' },
];

describe('decision process', () => {
  for (const c of cases) {
    it(c.name, () => {
      const sel = selectPaths(c.cands);
      expect(sel.chosen).toEqual(c.chosen);
      if (c.loser !== undefined) expect(sel.lost.get(c.loser)).toBe(c.reason);
      if (c.cands.length === 2) {
        const pair = selectPair(c.cands[0]!, c.cands[1]!);
        const expected = c.chosen.length === 2 ? (c.chosen[0] === 0 ? 2 : 3) : c.chosen[0];
        expect(pair).toBe(expected);
      }
    });
  }

  it('local origins beat BGP', () => {
    const local = { source: localSource(5, 'static', 'static'), attrs: store.intern({ ...attrsInput(), nextHop: null }) };
    const sel = selectPaths([cand(0, { localPref: 1000 }), local]);
    expect(sel.chosen).toEqual([1]);
    expect(sel.lost.get(0)).toBe('preference');
  });

  it('caps the multipath set at maxPaths', () => {
    const cands = [0, 1, 2, 3].map((i) => cand(i, {}, { routerId: `10.0.0.${i + 1}` }));
    const sel = selectPaths(cands, { maxPaths: 2, alwaysCompareMed: false });
    expect(sel.chosen).toEqual([0, 1]);
    expect(sel.lost.get(2)).toBe('ecmp-limit');
    expect(sel.lost.get(3)).toBe('ecmp-limit');
  });

  it('always-compare-med compares across neighbor ASes', () => {
    const sel = selectPaths([cand(0, { path: [65001], med: 20 }), cand(1, { path: [65002], med: 10 })], { maxPaths: 8, alwaysCompareMed: true });
    expect(sel.chosen).toEqual([1]);
    expect(sel.lost.get(0)).toBe('med');
  });

  it('MED grouping gives the same answer in any order (no pairwise cycle)', () => {
    // The classic non-transitive trio: A(AS1,med 10) B(AS2, med 5) C(AS1, med 0).
    const a = cand(0, { path: [1], med: 10 }, { routerId: '10.0.0.1' });
    const b = cand(1, { path: [2], med: 5 }, { routerId: '10.0.0.2' });
    const c = cand(2, { path: [1], med: 0 }, { routerId: '10.0.0.3' });
    const orders = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]];
    const results = orders.map((o) => {
      const sel = selectPaths(o);
      return sel.chosen.map((i) => o[i]!.source.index);
    });
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]).not.toContain(0);
  });
});
