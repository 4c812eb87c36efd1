// Loc-RIB → kernel: each changed route key becomes the route the kernel should have (its ECMP
// next hops), or none, handed to the FIB by key. Locally originated routes and routes policy
// marked no-install are never written (they are advertised only). The desired route depends only
// on the next hops of the selection's paths, so it is built once per distinct next-hop list and
// shared by every route using it: a full table from two ToRs costs a handful of objects, not one
// per prefix or per attribute set, and no prefix ever becomes text on the way.
import type { Fib } from '../kernel/fib.js';
import type { DesiredRoute, NextHop } from '../kernel/types.js';
import type { Rib } from '../rib/rib.js';
import type { StoredSelection } from '../rib/selection-store.js';

/** What the kernel should hold for a Loc-RIB selection; null: no route of ours. */
export function desiredOfSelection(rib: Rib, sel: StoredSelection, ecmpMax: number): DesiredRoute | null {
  const best = rib.source(sel.source);
  if (!best || best.kind !== 'bgp') return null;
  const first = rib.attrs.get(sel.attrId);
  if (first.noInstall) return null;
  if (first.kind !== 'unicast') return { kind: first.kind, nextHops: [] };
  const nextHops: NextHop[] = [];
  const ids = sel.attrIds;
  for (let i = 0; i < ids.length && nextHops.length < ecmpMax; i++) {
    const a = rib.attrs.get(ids[i] as number);
    const via = a.nextHop;
    if (!via || a.kind !== 'unicast') continue;
    if (nextHops.some((h) => h.via === via && h.dev === a.device)) continue;
    nextHops.push({ via, dev: a.device });
  }
  return nextHops.length ? { kind: 'unicast', nextHops } : null;
}

/** Distinct next-hop lists kept before the cache starts over (they are few; churn could add up). */
const CACHE_MAX = 4096;

export class FibFeed {
  /** Desired routes of single-path BGP selections, by the set's next-hop key. */
  private readonly single = new Map<string, DesiredRoute | null>();
  /** Multipath selections are few: interned selections are replaced, never changed, so the object is the key. */
  private readonly multi = new WeakMap<StoredSelection, DesiredRoute | null>();

  constructor(
    private readonly rib: Rib,
    private readonly fib: Fib,
    private readonly ecmpMax: number,
  ) {
    // Routes are handed over by slot: the FIB must work on the RIB's slot index.
    if (!fib.sharesKeys(rib.keys)) throw new Error('the FIB is not built on the RIB\'s route keys');
  }

  private desiredOf(sel: StoredSelection): DesiredRoute | null {
    if (sel.sources.length > 1) {
      let d = this.multi.get(sel);
      if (d === undefined) this.multi.set(sel, (d = desiredOfSelection(this.rib, sel, this.ecmpMax)));
      return d;
    }
    if (this.rib.source(sel.source)?.kind !== 'bgp') return null;
    const hop = this.rib.attrs.get(sel.attrId).nextHopKey;
    let d = this.single.get(hop);
    if (d === undefined) {
      if (this.single.size >= CACHE_MAX) this.single.clear();
      this.single.set(hop, (d = desiredOfSelection(this.rib, sel, this.ecmpMax)));
    }
    return d;
  }

  /** Loc-RIB keys that changed. */
  apply(keys: ArrayLike<number>): void {
    // The Loc-RIB and the FIB share the slot index: one probe per key serves both.
    const slots = this.rib.keys.slots;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      const s = slots.find(key);
      const sel = this.rib.selectedAt(s);
      this.fib.setAt(s, key, sel === null ? null : this.desiredOf(sel));
    }
  }

  /** Every current route, for a fresh start of the FIB. */
  applyAll(): void {
    const keys: number[] = [];
    this.rib.forEachRoute((key) => keys.push(key));
    this.apply(keys);
  }
}
