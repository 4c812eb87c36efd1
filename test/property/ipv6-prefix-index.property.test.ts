// The IPv6 prefix index (src/rib/ipv6-prefix-index.ts) against a Map model of its contract:
// a new prefix gets the id last freed, else the next unused one; a prefix keeps its id while it
// is live; sweep() frees exactly the ids created or released to a count of zero that nobody
// holds; lookups of unknown prefixes create nothing. Runs are long enough to grow the buckets and
// the id columns several times and to delete in bulk (backward shift across wrapped probes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ipv6PrefixList } from '../../src/bgp/wire/index.js';
import { IPV6_BASE, Ipv6PrefixIndex } from '../../src/rib/ipv6-prefix-index.js';

const POOL = 5000;

/** POOL distinct prefixes; neighbours share an address and differ in length, as /48 and /64 of one network do. */
function pool(): Ipv6PrefixList {
  const addrs = new Uint8Array(16 * POOL);
  const lengths = new Uint8Array(POOL);
  for (let p = 0; p < POOL; p++) {
    const a = p >> 1;
    addrs.set([0x20, 0x01, 0x0d, 0xb8, a >> 8, a & 0xff], 16 * p);
    addrs[16 * p + 15] = a % 3; // a difference in the last byte too
    lengths[p] = p & 1 ? 64 : 48;
  }
  return { afi: 2, count: POOL, addrs, lengths, pathIds: null };
}

/** The contract, in the plainest terms: prefixes are pool indexes, ids come from a counter and a LIFO of freed ones. */
class Model {
  readonly idOf = new Map<number, number>();
  readonly refs = new Map<number, number>();
  private free: number[] = [];
  private orphans: number[] = [];
  private count = 0;

  keyOf(p: number): number {
    let id = this.idOf.get(p);
    if (id === undefined) {
      id = this.free.pop() ?? this.count++;
      this.idOf.set(p, id);
      this.refs.set(id, 0);
      this.orphans.push(id);
    }
    return IPV6_BASE + id;
  }

  findKey(p: number): number {
    const id = this.idOf.get(p);
    return id === undefined ? -1 : IPV6_BASE + id;
  }

  retain(p: number): void {
    const id = this.idOf.get(p)!;
    this.refs.set(id, this.refs.get(id)! + 1);
  }

  release(p: number): void {
    const id = this.idOf.get(p)!;
    const n = this.refs.get(id)! - 1;
    this.refs.set(id, n);
    if (n === 0) this.orphans.push(id);
  }

  sweep(): number {
    const byId = new Map([...this.idOf].map(([p, id]) => [id, p]));
    let n = 0;
    for (const id of this.orphans) {
      const p = byId.get(id);
      if (p === undefined || this.refs.get(id) !== 0) continue;
      this.idOf.delete(p);
      byId.delete(id);
      this.refs.delete(id);
      this.free.push(id);
      n++;
    }
    this.orphans = [];
    return n;
  }
}

const op = fc.oneof(
  { arbitrary: fc.record({ what: fc.constant('insert' as const), from: fc.integer({ min: 0, max: POOL - 1 }), n: fc.integer({ min: 1, max: 2500 }) }), weight: 3 },
  { arbitrary: fc.record({ what: fc.constantFrom('find' as const, 'retain' as const, 'release' as const), p: fc.integer({ min: 0, max: POOL - 1 }) }), weight: 2 },
  { arbitrary: fc.record({ what: fc.constantFrom('retainRange' as const, 'releaseRange' as const), from: fc.integer({ min: 0, max: POOL - 1 }), n: fc.integer({ min: 1, max: 2500 }) }), weight: 3 },
  { arbitrary: fc.record({ what: fc.constant('sweep' as const) }), weight: 2 },
);

/** The pool indexes an operation names: one prefix, or a run of them. */
function range(o: { p: number } | { from: number; n: number }): number[] {
  const [from, n] = 'p' in o ? [o.p, 1] : [o.from, o.n];
  return Array.from({ length: Math.min(POOL, from + n) - from }, (_, k) => from + k);
}

describe('IPv6 prefix index', () => {
  it('hands out, finds, frees and reuses ids exactly as a Map model, across growth and bulk deletion', () => {
    const list = pool();
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const index = new Ipv6PrefixIndex();
        const model = new Model();
        const copy = new Uint8Array(20);
        /** What differs for pool prefix p between the index and the model; null when nothing. */
        const differs = (p: number): string | null => {
          const key = index.findKey(list, p);
          if (key !== model.findKey(p)) return `${p}: key ${key}, model ${model.findKey(p)}`;
          if (key < 0) return null;
          if (index.length(key) !== list.lengths[p]) return `${p}: length ${index.length(key)}`;
          const a = index.address(key);
          index.copyAddress(key, copy, 3);
          for (let k = 0; k < 16; k++) {
            const want = list.addrs[16 * p + k];
            if (a[k] !== want || copy[3 + k] !== want) return `${p}: address byte ${k}`;
          }
          return null;
        };
        const checkAll = (): void => {
          expect(index.size).toBe(model.idOf.size);
          const bad: string[] = [];
          for (let p = 0; p < POOL; p++) {
            const d = differs(p);
            if (d !== null) bad.push(d);
          }
          expect(bad).toEqual([]);
        };
        for (const o of ops) {
          switch (o.what) {
            case 'insert': {
              const bad: number[] = [];
              for (let p = o.from; p < Math.min(POOL, o.from + o.n); p++) if (index.keyOf(list, p) !== model.keyOf(p)) bad.push(p);
              expect(bad).toEqual([]);
              break;
            }
            case 'find':
              expect(differs(o.p)).toBeNull();
              break;
            case 'retain':
            case 'retainRange':
              for (const p of range(o)) {
                if (!model.idOf.has(p)) continue; // a table holds only what it was handed
                index.retain(model.findKey(p));
                model.retain(p);
              }
              break;
            case 'release':
            case 'releaseRange':
              for (const p of range(o)) {
                const id = model.idOf.get(p);
                if (id === undefined || model.refs.get(id) === 0) continue; // a table releases only what it holds
                index.release(model.findKey(p));
                model.release(p);
              }
              break;
            case 'sweep':
              expect(index.sweep()).toBe(model.sweep());
              checkAll();
              break;
          }
          expect(index.size).toBe(model.idOf.size);
        }
        checkAll();
      }),
      {
        numRuns: 300,
        // Half the pool's upper end held, the rest swept: with this hash, runs of buckets that wrap
        // past the end lose entries, so the backward shift has to move across the wrap.
        examples: [[[{ what: 'insert', from: 3005, n: 1540 }, { what: 'retainRange', from: 3110, n: 1435 }, { what: 'sweep' }, { what: 'insert', from: 0, n: 1 }]]],
      },
    );
  });

  it('a full table that comes, goes and comes back as other prefixes reuses its ids and grows nothing', () => {
    const n = 200_000;
    const table = (salt: number): Ipv6PrefixList => {
      const addrs = new Uint8Array(16 * n);
      for (let i = 0; i < n; i++) addrs.set([0x2a, salt, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff], 16 * i);
      return { afi: 2, count: n, addrs, lengths: new Uint8Array(n).fill(48), pathIds: null };
    };
    const index = new Ipv6PrefixIndex();
    const first = table(0);
    for (let i = 0; i < n; i++) index.retain(index.keyOf(first, i));
    expect(index.size).toBe(n);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (index.findKey(first, i) !== IPV6_BASE + i) wrong++;
    expect(wrong).toBe(0);
    const bytes = index.byteSize;
    expect(bytes).toBeLessThan(n * 48); // typed columns and buckets, not objects
    expect(index.sweep()).toBe(0); // every id is held
    for (let i = 0; i < n; i++) index.release(IPV6_BASE + i);
    expect(index.sweep()).toBe(n);
    expect(index.size).toBe(0);
    expect(index.findKey(first, 0)).toBe(-1);
    const second = table(1);
    const seen = new Set<number>();
    let highest = -1;
    for (let i = 0; i < n; i++) {
      const id = index.keyOf(second, i) - IPV6_BASE;
      seen.add(id);
      highest = Math.max(highest, id);
    }
    expect(seen.size).toBe(n);
    expect(highest).toBe(n - 1); // the freed ids, no new one
    expect(index.byteSize).toBe(bytes);
    expect(index.findKey(first, 7)).toBe(-1);
    expect(index.length(index.findKey(second, 7))).toBe(48);
  });
});
