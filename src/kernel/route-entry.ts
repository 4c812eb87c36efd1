// Per-prefix bookkeeping of the FIB manager, and the interned next-hop sets routes ask for.
import type { LegSet, NextHop, RouteKind, RouteStateName } from './types.js';

/** The next hops a route asks for, before devices are known; shared by every route asking the same. */
export class RawSet {
  readonly users = new Set<RouteEntry>();
  /** Resolution cache, valid while `epoch` matches the manager's. */
  epoch = -1;
  resolved: LegSet | null = null;
  problem: string | null = null;

  constructor(
    readonly key: string,
    readonly hops: readonly NextHop[],
  ) {}
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

  constructor(readonly prefix: string) {}
}

/** Interns raw next-hop sets and indexes them by next-hop address. */
export class RawSetTable {
  private readonly sets = new Map<string, RawSet>();
  private readonly byVia = new Map<string, Set<RawSet>>();

  intern(hops: readonly NextHop[]): RawSet {
    const parts = hops.map((h) => `${h.via}|${h.dev ?? ''}|${h.onlink ? 1 : 0}`);
    if (parts.length > 1) parts.sort();
    const key = parts.join(',');
    let set = this.sets.get(key);
    if (!set) {
      const seen = new Set<string>();
      const unique: NextHop[] = [];
      for (const h of hops) {
        const k = `${h.via}|${h.dev ?? ''}|${h.onlink ? 1 : 0}`;
        if (seen.has(k)) continue;
        seen.add(k);
        unique.push(Object.freeze({ via: h.via, dev: h.dev, onlink: h.onlink ?? false }));
      }
      set = new RawSet(key, Object.freeze(unique));
      this.sets.set(key, set);
      for (const h of unique) {
        let s = this.byVia.get(h.via);
        if (!s) this.byVia.set(h.via, (s = new Set()));
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
