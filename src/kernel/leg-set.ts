// Interning of legs and leg sets: a full table has millions of routes but a handful of distinct
// next-hop sets, so routes hold references to shared objects and compare them by identity.
import type { Leg, LegSet } from './types.js';

export function legKey(via: string, dev: string, onlink: boolean): string {
  return `${via}|${dev}|${onlink ? 1 : 0}`;
}

export class LegTable {
  private readonly legs = new Map<string, Leg>();
  private readonly sets = new Map<string, LegSet>();

  leg(via: string, dev: string, onlink = false): Leg {
    const key = legKey(via, dev, onlink);
    let leg = this.legs.get(key);
    if (!leg) {
      leg = Object.freeze({ via, dev, onlink, key });
      this.legs.set(key, leg);
    }
    return leg;
  }

  /** The interned set of these legs, sorted by key, duplicates dropped. Empty input gives null. */
  set(legs: readonly Leg[]): LegSet | null {
    if (legs.length === 0) return null;
    let sorted: Leg[];
    if (legs.length === 1) sorted = [...legs];
    else {
      sorted = [...legs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      sorted = sorted.filter((l, i) => i === 0 || l.key !== sorted[i - 1]?.key);
    }
    const key = sorted.map((l) => l.key).join(',');
    let set = this.sets.get(key);
    if (!set) {
      set = Object.freeze({ key, legs: Object.freeze(sorted.map((l) => this.leg(l.via, l.dev, l.onlink))) });
      this.sets.set(key, set);
    }
    return set;
  }

  /** The interned set with this key, if one was made. */
  byKey(key: string): LegSet | undefined {
    return this.sets.get(key);
  }

  get size(): number {
    return this.sets.size;
  }

  /**
   * Forgets every set not in `live`. Interned objects are only an optimisation, so a set made again
   * later is a new object with the same key; callers compare by key where sets may be that old.
   */
  prune(live: Iterable<LegSet>): void {
    const keep = new Set<string>();
    for (const s of live) keep.add(s.key);
    for (const key of this.sets.keys()) if (!keep.has(key)) this.sets.delete(key);
    const legKeep = new Set<string>();
    for (const s of this.sets.values()) for (const l of s.legs) legKeep.add(l.key);
    for (const key of this.legs.keys()) if (!legKeep.has(key)) this.legs.delete(key);
  }
}
