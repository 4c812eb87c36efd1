// The decision process (RFC 4271 §9.1.2.2 with the RFC 4456 §9 tie-breaks) and ECMP.
// Pure: candidates in, ordered choice and the reason each loser lost out. Written as the
// RFC's elimination steps, so the result does not depend on the order paths arrived in
// (MED is compared within each neighboring AS, not pairwise).
import type { RouteAttrs } from './route-attrs.js';
import type { RouteSource } from './route-source.js';

export interface Candidate {
  source: RouteSource;
  attrs: RouteAttrs;
}

export type LossReason =
  | 'preference'
  | 'local-pref'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'router-id'
  | 'cluster-list-length'
  | 'peer-address'
  | 'ecmp-limit'
  | 'not-multipath';

export interface DecisionOptions {
  /** Most next hops in one route (ECMP). 1 turns multipath off. */
  maxPaths: number;
  /** Compare MED between paths from different neighboring ASes too. */
  alwaysCompareMed: boolean;
}

export const DEFAULT_DECISION: DecisionOptions = { maxPaths: 8, alwaysCompareMed: false };

export interface Selection {
  /** Indices into the candidates: the best first, then the other multipath members. */
  chosen: number[];
  /** For every candidate not chosen, the step at which it lost. */
  lost: Map<number, LossReason>;
}

function keepBest(
  alive: number[],
  lost: Map<number, LossReason>,
  reason: LossReason,
  score: (i: number) => number,
  higherWins: boolean,
): number[] {
  const [first] = alive;
  if (first === undefined || alive.length < 2) return alive;
  let best = score(first);
  for (const i of alive) {
    const s = score(i);
    if (higherWins ? s > best : s < best) best = s;
  }
  const out: number[] = [];
  for (const i of alive) {
    if (score(i) === best) out.push(i);
    else lost.set(i, reason);
  }
  return out;
}

/** RFC 4456 §9: ORIGINATOR_ID, when present, is compared in place of the router id. */
export function effectiveRouterId(c: Candidate): number {
  return c.attrs.originatorId ?? c.source.routerId;
}

/** Orders the survivors of the elimination steps by the final tie-breaks. */
function tieBreak(a: Candidate, b: Candidate): number {
  const ra = effectiveRouterId(a);
  const rb = effectiveRouterId(b);
  if (ra !== rb) return ra - rb;
  if (a.attrs.clusterListLength !== b.attrs.clusterListLength) return a.attrs.clusterListLength - b.attrs.clusterListLength;
  if (a.source.peerAddressOrder !== b.source.peerAddressOrder) return a.source.peerAddressOrder < b.source.peerAddressOrder ? -1 : 1;
  return a.source.index - b.source.index;
}

function tieBreakReason(winner: Candidate, loser: Candidate): LossReason {
  if (effectiveRouterId(winner) !== effectiveRouterId(loser)) return 'router-id';
  if (winner.attrs.clusterListLength !== loser.attrs.clusterListLength) return 'cluster-list-length';
  return 'peer-address';
}

export function selectPaths(cands: readonly Candidate[], opts: DecisionOptions = DEFAULT_DECISION): Selection {
  const lost = new Map<number, LossReason>();
  if (cands.length === 0) return { chosen: [], lost };
  if (cands.length === 1) return { chosen: [0], lost };
  // Every index in `alive` is an index of cands.
  const cand = (i: number): Candidate => cands[i]!;
  let alive = cands.map((_, i) => i);
  alive = keepBest(alive, lost, 'preference', (i) => cand(i).source.preference, true);
  alive = keepBest(alive, lost, 'local-pref', (i) => cand(i).attrs.localPref, true); // (a)
  alive = keepBest(alive, lost, 'as-path-length', (i) => cand(i).attrs.asPathLength, false); // (a) RFC 4271 §9.1.2.2
  alive = keepBest(alive, lost, 'origin', (i) => cand(i).attrs.origin, false); // (b)
  // (c) MED: within each neighboring AS (or across all with always-compare-med); a path
  // without MED counts as 0.
  if (alive.length > 1) {
    const groups = new Map<number, number[]>();
    for (const i of alive) {
      const g = opts.alwaysCompareMed ? 0 : cand(i).attrs.neighborAs;
      const list = groups.get(g);
      if (list) list.push(i);
      else groups.set(g, [i]);
    }
    const next: number[] = [];
    for (const members of groups.values()) next.push(...keepBest(members, lost, 'med', (i) => cand(i).attrs.med, false));
    alive = alive.filter((i) => next.includes(i));
  }
  // (d) eBGP over iBGP.
  if (alive.some((i) => cand(i).source.kind === 'bgp' && !cand(i).source.ibgp) && alive.some((i) => cand(i).source.ibgp)) {
    alive = alive.filter((i) => {
      if (cand(i).source.ibgp) lost.set(i, 'ebgp-over-ibgp');
      return !cand(i).source.ibgp;
    });
  }
  // (e) IGP cost: next hops are taken as they are, every cost is equal. What is left is the
  // multipath set; the tie-breaks only order it.
  alive.sort((a, b) => tieBreak(cand(a), cand(b)));
  const [best = 0] = alive; // never empty: each step keeps its best
  const chosen = [best];
  for (const i of alive.slice(1)) {
    if (!multipathCompatible(cand(best), cand(i))) {
      lost.set(i, cand(best).source.kind === 'bgp' && cand(i).source.kind === 'bgp' ? tieBreakReason(cand(best), cand(i)) : 'not-multipath');
    } else if (chosen.length >= opts.maxPaths) {
      lost.set(i, 'ecmp-limit');
    } else {
      chosen.push(i);
    }
  }
  return { chosen, lost };
}

/** Only BGP unicast paths with distinct next hops share a route. */
function multipathCompatible(best: Candidate, other: Candidate): boolean {
  return (
    best.source.kind === 'bgp' &&
    other.source.kind === 'bgp' &&
    best.attrs.kind === 'unicast' &&
    other.attrs.kind === 'unicast' &&
    best.attrs.noInstall === other.attrs.noInstall &&
    (best.attrs.nextHop !== other.attrs.nextHop || best.attrs.device !== other.attrs.device)
  );
}

/**
 * selectPaths for exactly two candidates without allocating: 0 → only a, 1 → only b,
 * 2 → both (a best), 3 → both (b best). Equal to selectPaths on [a, b] (a property test
 * holds the two together); the RIB uses it for the common two-ToR case.
 */
export function selectPair(a: Candidate, b: Candidate, opts: DecisionOptions = DEFAULT_DECISION): 0 | 1 | 2 | 3 {
  const x = a.attrs;
  const y = b.attrs;
  if (a.source.preference !== b.source.preference) return a.source.preference > b.source.preference ? 0 : 1;
  if (x.localPref !== y.localPref) return x.localPref > y.localPref ? 0 : 1;
  if (x.asPathLength !== y.asPathLength) return x.asPathLength < y.asPathLength ? 0 : 1;
  if (x.origin !== y.origin) return x.origin < y.origin ? 0 : 1;
  if ((opts.alwaysCompareMed || x.neighborAs === y.neighborAs) && x.med !== y.med) return x.med < y.med ? 0 : 1;
  const ebgpA = a.source.kind === 'bgp' && !a.source.ibgp;
  const ebgpB = b.source.kind === 'bgp' && !b.source.ibgp;
  if (a.source.ibgp !== b.source.ibgp && (ebgpA || ebgpB)) return ebgpA ? 0 : 1;
  const aFirst = tieBreak(a, b) < 0;
  const best = aFirst ? a : b;
  const other = aFirst ? b : a;
  if (opts.maxPaths >= 2 && multipathCompatible(best, other)) return aFirst ? 2 : 3;
  return aFirst ? 0 : 1;
}
