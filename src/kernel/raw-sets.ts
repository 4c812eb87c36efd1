// The next-hop sets routes ask for, interned: a full table asks for a handful of distinct sets,
// so a route holds a small integer (the set's want id) instead of next hops. The resolution of a
// set (devices found, next hops down left out) is cached on the set. No per-route state here:
// route-table.ts holds each route's want id; this file counts how many routes use each set.
import type { LegSet, NextHop, Target } from './types.js';

/** Want ids below this are not sets: blackhole and unreachable. */
export const WANT_BLACKHOLE = 0;
export const WANT_UNREACHABLE = 1;
/** A unicast route the RIB gave no next hop: never installed, shown failed. */
export const WANT_NO_HOPS = 2;
const FIRST_SET = 3;

/** The next hops a route asks for, before devices are known; shared by every route asking the same. */
export class RawSet {
  /** Routes asking for this set. */
  users = 0;
  /** Resolution cache, valid while `epoch` matches the manager's. */
  epoch = -1;
  resolved: LegSet | null = null;
  problem: string | null = null;
  /** The target routes on this set get, made once per resolution. */
  target: Target | null = null;
  /** The epoch in which the devices of its next hops were last asked for (see Fib.wantOf). */
  asked = -1;

  /** Some next hop is an IPv4 address: not usable by IPv6 routes. */
  readonly hasV4: boolean;

  constructor(
    /** The want id routes hold for it. */
    readonly want: number,
    readonly key: string,
    readonly hops: readonly NextHop[],
  ) {
    this.hasV4 = hops.some((h) => !h.via.includes(':'));
  }
}

function part(via: string, dev: string | null, onlink: boolean | undefined): string {
  return `${via}|${dev ?? ''}|${onlink ? 1 : 0}`;
}

/** Interns raw next-hop sets and indexes them by next-hop address. */
export class RawSetTable {
  private readonly sets = new Map<string, RawSet>();
  private readonly byWant: Array<RawSet | undefined> = [];
  private readonly freeWants: number[] = [];
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
    const [h, h2] = hops;
    if (h !== undefined && hops.length === 1) {
      const via = canon(h.via);
      if (via === null) return null;
      key = part(via, h.dev, h.onlink);
    } else if (h !== undefined && h2 !== undefined && hops.length === 2) {
      const a = canon(h.via);
      const b = canon(h2.via);
      if (a === null || b === null) return null;
      const pa = part(a, h.dev, h.onlink);
      const pb = part(b, h2.dev, h2.onlink);
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
      set = new RawSet(this.freeWants.pop() ?? this.byWant.length + FIRST_SET, key, Object.freeze(unique));
      this.byWant[set.want - FIRST_SET] = set;
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

  /** The set a want id stands for; null for blackhole, unreachable and no route. */
  ofWant(want: number): RawSet | null {
    return want >= FIRST_SET ? (this.byWant[want - FIRST_SET] ?? null) : null;
  }

  /** A route moves from one want to another: the counts follow, and a set nobody uses goes. */
  move(from: number, to: number): void {
    if (from === to) return;
    const old = this.ofWant(from);
    if (old && --old.users === 0) this.drop(old);
    const set = this.ofWant(to);
    if (set) set.users++;
  }

  /** Want ids of the sets holding this next-hop address. */
  wantsOfVia(via: string): Set<number> {
    const out = new Set<number>();
    for (const set of this.byVia.get(via) ?? []) out.add(set.want);
    return out;
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
    this.byWant[set.want - FIRST_SET] = undefined;
    this.freeWants.push(set.want);
    for (const h of set.hops) {
      const s = this.byVia.get(h.via);
      s?.delete(set);
      if (s?.size === 0) this.byVia.delete(h.via);
    }
  }
}
