// Per-prefix bookkeeping of the FIB manager, and the interned next-hop sets routes ask for.
import type { LegSet, NextHop, RouteKind, RouteStateName } from './types.js';

/** The next hops a route asks for, before devices are known; shared by every route asking the same. */
export class RawSet {
  readonly users = new Set<RouteEntry>();
  /** Resolution cache, valid while `epoch` matches the manager's. */
  epoch = -1;
  resolved: LegSet | null = null;
  problem: string | null = null;

  /** Some next hop is an IPv4 address: not usable by IPv6 routes. */
  readonly hasV4: boolean;

  constructor(
    readonly key: string,
    readonly hops: readonly NextHop[],
  ) {
    this.hasV4 = hops.some((h) => !h.via.includes(':'));
  }
}

function part(via: string, dev: string | null, onlink: boolean | undefined): string {
  return `${via}|${dev ?? ''}|${onlink ? 1 : 0}`;
}

export class RouteEntry {
  /** null: the RIB does not want this prefix (a stale route, or one being removed). */
  kind: RouteKind | null = null;
  raw: RawSet | null = null;
  state: RouteStateName = 'pending';
  error: string | null = null;
  failures = 0;
  /** Number of the last batch that wrote this prefix (verification skips newer ones). */
  gen = -1;
  /** Its last write is prepared or in the kernel and has not reported yet. */
  inflight = false;

  constructor(readonly prefix: string) {}
}

/** Interns raw next-hop sets and indexes them by next-hop address. */
export class RawSetTable {
  private readonly sets = new Map<string, RawSet>();
  private readonly byVia = new Map<string, Set<RawSet>>();
  /** A caller that shares one next-hop array among routes (interned attributes) pays nothing. */
  private readonly byArray = new WeakMap<readonly NextHop[], RawSet>();

  /** `onNewVia` hears of each next-hop address the first time a route asks for it. */
  constructor(private readonly onNewVia: (via: string, dev: string | null) => void = () => {}) {}

  /**
   * The shared set for these next hops, with addresses in canonical form (`canon` returns null
   * for a bad one, and then so does this). A set seen before costs one key and one lookup.
   */
  intern(hops: readonly NextHop[], canon: (via: string) => string | null): RawSet | null {
    const known = this.byArray.get(hops);
    if (known !== undefined && this.sets.get(known.key) === known) return known;
    const set = this.internByKey(hops, canon);
    if (set !== null) this.byArray.set(hops, set);
    return set;
  }

  private internByKey(hops: readonly NextHop[], canon: (via: string) => string | null): RawSet | null {
    let key: string;
    if (hops.length === 1) {
      const h = hops[0];
      const via = canon(h.via);
      if (via === null) return null;
      key = part(via, h.dev, h.onlink);
    } else if (hops.length === 2) {
      const a = canon(hops[0].via);
      const b = canon(hops[1].via);
      if (a === null || b === null) return null;
      const pa = part(a, hops[0].dev, hops[0].onlink);
      const pb = part(b, hops[1].dev, hops[1].onlink);
      key = pa === pb ? pa : pa < pb ? `${pa},${pb}` : `${pb},${pa}`;
    } else {
      const parts: string[] = [];
      for (const h of hops) {
        const via = canon(h.via);
        if (via === null) return null;
        parts.push(part(via, h.dev, h.onlink));
      }
      parts.sort();
      key = parts.filter((p, i) => i === 0 || p !== parts[i - 1]).join(',');
    }
    let set = this.sets.get(key);
    if (!set) {
      const seen = new Set<string>();
      const unique: NextHop[] = [];
      for (const h of hops) {
        const via = canon(h.via)!;
        const k = part(via, h.dev, h.onlink);
        if (seen.has(k)) continue;
        seen.add(k);
        unique.push(Object.freeze({ via, dev: h.dev, onlink: h.onlink ?? false }));
      }
      set = new RawSet(key, Object.freeze(unique));
      this.sets.set(key, set);
      for (const h of unique) {
        let s = this.byVia.get(h.via);
        if (!s) {
          this.byVia.set(h.via, (s = new Set()));
          this.onNewVia(h.via, h.dev);
        }
        s.add(set);
      }
    }
    return set;
  }

  attach(entry: RouteEntry, set: RawSet | null): void {
    if (entry.raw === set) return;
    if (entry.raw) {
      const old = entry.raw;
      old.users.delete(entry);
      if (old.users.size === 0) this.drop(old);
    }
    entry.raw = set;
    set?.users.add(entry);
  }

  /** Routes asking for this next-hop address. */
  *usersOfVia(via: string): Generator<RouteEntry> {
    for (const set of this.byVia.get(via) ?? []) yield* set.users;
  }

  /** Whether any route asks for this next-hop address. */
  hasVia(via: string): boolean {
    return this.byVia.has(via);
  }

  *all(): Generator<RawSet> {
    yield* this.sets.values();
  }

  private drop(set: RawSet): void {
    this.sets.delete(set.key);
    for (const h of set.hops) {
      const s = this.byVia.get(h.via);
      s?.delete(set);
      if (s?.size === 0) this.byVia.delete(h.via);
    }
  }
}
