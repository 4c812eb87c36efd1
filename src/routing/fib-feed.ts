// Loc-RIB → kernel: each changed prefix becomes the route the kernel should have (its
// ECMP next hops), or none. Locally originated routes and routes policy marked
// no-install are never written (they are advertised only).
import type { Fib } from '../kernel/fib.js';
import type { DesiredRoute, NextHop } from '../kernel/types.js';
import type { Rib } from '../rib/rib.js';

/** What the kernel should hold for a Loc-RIB entry; null: no route of ours. */
export function desiredKernelRoute(rib: Rib, key: number, ecmpMax: number): DesiredRoute | null {
  const sel = rib.selected(key);
  if (!sel) return null;
  const best = rib.source(sel.sources[0]);
  if (!best || best.kind !== 'bgp') return null;
  const first = rib.attrs.get(sel.attrIds[0]);
  if (first.noInstall) return null;
  const prefix = rib.keys.format(key);
  if (first.kind !== 'unicast') return { prefix, kind: first.kind, nextHops: [] };
  // Called for every changed prefix: a linear scan of a handful of next hops, no Set or key string.
  const nextHops: NextHop[] = [];
  for (let i = 0; i < sel.attrIds.length && nextHops.length < ecmpMax; i++) {
    const a = rib.attrs.get(sel.attrIds[i]);
    const via = a.nextHop;
    if (!via || a.kind !== 'unicast') continue;
    if (nextHops.some((h) => h.via === via && h.dev === a.device)) continue;
    nextHops.push({ via, dev: a.device });
  }
  return nextHops.length ? { prefix, kind: 'unicast', nextHops } : null;
}

export class FibFeed {
  constructor(
    private readonly rib: Rib,
    private readonly fib: Fib,
    private readonly ecmpMax: number,
  ) {}

  /** Loc-RIB keys that changed. */
  apply(keys: ArrayLike<number>): void {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const route = desiredKernelRoute(this.rib, key, this.ecmpMax);
      this.fib.set(route?.prefix ?? this.rib.keys.format(key), route);
    }
  }

  /** Every current route, for a fresh start of the FIB. */
  applyAll(): void {
    const keys: number[] = [];
    this.rib.forEachRoute((key) => keys.push(key));
    this.apply(keys);
  }
}
