// IPv6 prefixes interned to small ids, so that every RIB table keys an IPv6 route by a number,
// IPV6_BASE + id (route-key.ts has the keys of both families). Memory designed first, as in
// prefix-table.ts: an id's prefix is a 17-byte record (address, then length) in one growable array,
// its hash, its hold count and a live flag sit in typed columns by id, and the lookup is an
// open-addressing table of ids (id-buckets.ts: linear probing, backward-shift deletion, grown at
// load 0.7) over those records. About 26 bytes an id plus 6–11 bytes of buckets, no object and no
// string per prefix (a Map keyed by a 17-character string cost some 230 bytes of heap a prefix).
// The index does not know what a route is: the tables that hold a prefix count themselves in and
// out.
import type { Ipv6PrefixList } from '../bgp/wire/index.js';
import { IdBuckets, NO_ID } from './id-buckets.js';

/** Keys at or above this are IPv6: IPV6_BASE + id (IPv4 keys, address × 64 + length, stay below 2^38). */
export const IPV6_BASE = 2 ** 40;
const RECORD = 17;
const MIN_BUCKETS = 1024;
const MAX_LOAD = 0.7;

/** A copy of `a` in a longer array of the same kind. */
function grown<T extends Uint8Array | Int32Array>(a: T, length: number): T {
  const next = (a instanceof Uint8Array ? new Uint8Array(length) : new Int32Array(length)) as T;
  next.set(a);
  return next;
}

/** A stack of ids in a growable Int32Array (free ids, orphans): no JS array per push. */
class IdStack {
  private items = new Int32Array(256);
  length = 0;

  push(id: number): void {
    if (this.length === this.items.length) this.items = grown(this.items, this.items.length * 2);
    this.items[this.length++] = id;
  }

  /** The last id pushed, removed; -1 when empty. */
  pop(): number {
    return this.length > 0 ? this.items[--this.length]! : -1; // length > 0: within items
  }

  at(i: number): number {
    return this.items[i]!; // callers stay below length
  }

  clear(): void {
    this.length = 0;
    // A burst (a full table's new ids) should not pin its array until the next burst.
    if (this.items.length > 4096) this.items = new Int32Array(256);
  }
}

/** MurmurHash3's 32-bit mixing over the 16 address bytes (four big-endian words) and the length. */
function hashPrefix(a: Uint8Array, at: number, length: number): number {
  let h = 0x6a09e667;
  for (let k = at; k < at + 16; k += 4) {
    let w = (a[k]! << 24) | (a[k + 1]! << 16) | (a[k + 2]! << 8) | a[k + 3]!; // k + 3 < at + 16: callers pass whole records
    w = Math.imul(w, 0xcc9e2d51);
    w = (w << 15) | (w >>> 17);
    h ^= Math.imul(w, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * IPv6 prefixes by id, and a count of the tables holding each (Adj-RIB-In entries, Adj-RIB-Out
 * entries and pending changes). An id nobody holds any more is freed by sweep(), which the route
 * engine calls once a round of changes has reached every consumer: a key in a change list stays
 * valid until then, and a consumer that keeps a key longer must retain it. So IPv6 churn does not
 * grow the index. Freed ids are handed out again last-freed first.
 */
export class Ipv6PrefixIndex {
  private bytes = new Uint8Array(RECORD * 1024);
  private hashes = new Int32Array(1024);
  private refs = new Int32Array(1024);
  private live = new Uint8Array(1024);
  private readonly table = new IdBuckets(MIN_BUCKETS);
  /** An id's hash, as the buckets placed it. */
  private readonly hashOf = (id: number): number => this.hashes[id]!;
  /** Ids ever handed out: every id is below this. */
  private count = 0;
  private ids = 0;
  private readonly free = new IdStack();
  /** Ids whose count reached zero (or that were created unheld) since the last sweep. */
  private readonly orphans = new IdStack();

  // Ids, bucket indexes (masked) and list indexes (i < count) always lie inside these typed
  // arrays, so their reads carry `!`: this is the IPv6 route-key path, run per prefix.

  /** Bytes held by the index's arrays. */
  get byteSize(): number {
    return this.bytes.byteLength + this.hashes.byteLength + this.refs.byteLength + this.live.byteLength + this.table.byteSize;
  }

  /** Whether id's record is the prefix at a[at..at+16) with `length`. */
  private same(id: number, a: Uint8Array, at: number, length: number): boolean {
    const b = this.bytes;
    const base = id * RECORD;
    if (b[base + 16] !== length) return false;
    for (let k = 0; k < 16; k++) if (b[base + k] !== a[at + k]) return false;
    return true;
  }

  /** The bucket holding the prefix, or the empty bucket where it would go. */
  private probe(a: Uint8Array, at: number, length: number, h: number): number {
    const { buckets, mask } = this.table;
    const hashes = this.hashes;
    let i = h & mask;
    for (;;) {
      const id = buckets[i]!;
      if (id === NO_ID || (hashes[id] === h && this.same(id, a, at, length))) return i;
      i = (i + 1) & mask;
    }
  }

  /** The key for the prefix at list[i], creating its id when new (unheld until retained). */
  keyOf(list: Ipv6PrefixList, i: number): number {
    const at = i * 16;
    const length = list.lengths[i]!;
    const h = hashPrefix(list.addrs, at, length);
    let b = this.probe(list.addrs, at, length, h);
    const found = this.table.buckets[b]!;
    if (found !== NO_ID) return IPV6_BASE + found;
    if (this.ids + 1 > this.table.buckets.length * MAX_LOAD) {
      this.table.grow(this.hashOf);
      b = this.probe(list.addrs, at, length, h); // absent: the first empty bucket of its probe
    }
    const reused = this.free.pop();
    const id = reused >= 0 ? reused : this.count++;
    if (id >= this.refs.length) this.growIds();
    const bytes = this.bytes;
    const base = id * RECORD;
    for (let k = 0; k < 16; k++) bytes[base + k] = list.addrs[at + k]!; // a copy without a view per prefix; i < count
    bytes[base + 16] = length;
    this.hashes[id] = h;
    this.refs[id] = 0;
    this.live[id] = 1;
    this.table.buckets[b] = id;
    this.ids++;
    this.orphans.push(id);
    return IPV6_BASE + id;
  }

  /** Looks a key up without creating it; -1 when unknown. */
  findKey(list: Ipv6PrefixList, i: number): number {
    const at = i * 16;
    const length = list.lengths[i]!;
    const id = this.table.buckets[this.probe(list.addrs, at, length, hashPrefix(list.addrs, at, length))]!;
    return id === NO_ID ? -1 : IPV6_BASE + id;
  }

  /** A table now holds `key` (IPv4 keys need nothing). */
  retain(key: number): void {
    if (key >= IPV6_BASE) this.refs[key - IPV6_BASE]!++;
  }

  /** A table no longer holds `key`; the id is freed at the next sweep if nobody else does. */
  release(key: number): void {
    if (key < IPV6_BASE) return;
    const id = key - IPV6_BASE;
    if (--this.refs[id]! <= 0) {
      this.refs[id] = 0;
      this.orphans.push(id);
    }
  }

  /** Frees the ids nobody holds; returns how many. */
  sweep(): number {
    let n = 0;
    const orphans = this.orphans;
    for (let k = 0; k < orphans.length; k++) {
      const id = orphans.at(k);
      if (!this.live[id] || this.refs[id] !== 0) continue;
      this.table.remove(id, this.hashOf);
      this.live[id] = 0;
      this.free.push(id);
      this.ids--;
      n++;
    }
    orphans.clear();
    return n;
  }

  private growIds(): void {
    const cap = this.refs.length * 2;
    this.bytes = grown(this.bytes, cap * RECORD);
    this.hashes = grown(this.hashes, cap);
    this.refs = grown(this.refs, cap);
    this.live = grown(this.live, cap);
  }

  /** The address of a key's prefix: a view into the index, valid until the index grows. */
  address(key: number): Uint8Array {
    const id = key - IPV6_BASE;
    return this.bytes.subarray(id * RECORD, id * RECORD + 16);
  }

  /** Copies the address of a key's prefix into `out` at `at`, with no view made (per route on the kernel write path). */
  copyAddress(key: number, out: Uint8Array, at: number): void {
    const b = this.bytes;
    const base = (key - IPV6_BASE) * RECORD;
    for (let k = 0; k < 16; k++) out[at + k] = b[base + k]!; // a key handed out here: within bytes
  }

  length(key: number): number {
    return this.bytes[(key - IPV6_BASE) * RECORD + 16]!;
  }

  get size(): number {
    return this.ids;
  }
}
