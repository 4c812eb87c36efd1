// Loc-RIB → kernel: each changed route key becomes the route the kernel should have (its ECMP
// next hops), or none, handed to the FIB by key. Locally originated routes and routes policy
// marked no-install are never written (they are advertised only). The desired route depends only
// on the Loc-RIB entry's interned selection, so it is built once per selection and shared by
// every route using it: a full table from two ToRs costs a handful of objects, not one per
// prefix, and no prefix ever becomes text on the way.
import type { Fib } from '../kernel/fib.js';
import type { DesiredRoute, NextHop } from '../kernel/types.js';
import type { Rib } from '../rib/rib.js';
import type { StoredSelection } from '../rib/selection-store.js';

/** What the kernel should hold for a Loc-RIB selection; null: no route of ours. */
export function desiredOfSelection(rib: Rib, sel: StoredSelection, ecmpMax: number): DesiredRoute | null {
  const [bestIndex] = sel.sources;
  const [firstId] = sel.attrIds;
  if (bestIndex === undefined || firstId === undefined) return null; // a selection has one path or more
  const best = rib.source(bestIndex);
  if (!best || best.kind !== 'bgp') return null;
  const first = rib.attrs.get(firstId);
  if (first.noInstall) return null;
  if (first.kind !== 'unicast') return { kind: first.kind, nextHops: [] };
  const nextHops: NextHop[] = [];
  for (const id of sel.attrIds) {
    if (nextHops.length >= ecmpMax) break;
    const a = rib.attrs.get(id);
    const via = a.nextHop;
    if (!via || a.kind !== 'unicast') continue;
    if (nextHops.some((h) => h.via === via && h.dev === a.device)) continue;
    nextHops.push({ via, dev: a.device });
  }
  return nextHops.length ? { kind: 'unicast', nextHops } : null;
}

export class FibFeed {
  /** Interned selections are replaced, never changed, so the object is the cache key. */
  private readonly desired = new WeakMap<StoredSelection, DesiredRoute | null>();

  constructor(
    private readonly rib: Rib,
    private readonly fib: Fib,
    private readonly ecmpMax: number,
  ) {}

  /** Loc-RIB keys that changed. */
  apply(keys: ArrayLike<number>): void {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!; // i < length
      const sel = this.rib.selected(key);
      if (sel === null) {
        this.fib.setKey(key, null);
        continue;
      }
      let d = this.desired.get(sel);
      if (d === undefined) {
        d = desiredOfSelection(this.rib, sel, this.ecmpMax);
        this.desired.set(sel, d);
      }
      this.fib.setKey(key, d);
    }
  }

  /** Every current route, for a fresh start of the FIB. */
  applyAll(): void {
    const keys: number[] = [];
    this.rib.forEachRoute((key) => keys.push(key));
    this.apply(keys);
  }
}
