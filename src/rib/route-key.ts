// Route keys: one double per prefix. IPv4: address × 64 + length (below 2^38). IPv6: a
// prefix is interned once to a small id and keyed as IPV6_BASE + id, so every RIB table
// works on numbers whatever the family.
import {
  ipv4Key,
  ipv4KeyLength,
  type Ipv6PrefixList,
  type PrefixList,
} from '../bgp/wire/index.js';
import { formatIpv4, formatIpv6, maskAddress, parsePrefix, type Family, type Prefix } from '../net/index.js';
import { RouteSlots } from './route-slots.js';

export const IPV6_BASE = 2 ** 40;

export function familyOfKey(key: number): Family {
  return key >= IPV6_BASE ? 'ipv6' : 'ipv4';
}

/**
 * IPv6 prefixes by id: 17 bytes each (address + length) in one growable array, and a count of
 * the tables holding each (Adj-RIB-In entries, Adj-RIB-Out entries and pending changes). An id
 * nobody holds any more is freed by sweep(), which the route engine calls once a round of
 * changes has reached every consumer: a key in a change list stays valid until then, and a
 * consumer that keeps a key longer must retain it. So IPv6 churn does not grow the index.
 */
export class Ipv6PrefixIndex {
  private readonly ids = new Map<string, number>();
  private bytes = new Uint8Array(17 * 1024);
  private refs = new Int32Array(1024);
  private live = new Uint8Array(1024);
  private count = 0;
  private readonly free: number[] = [];
  /** Ids whose count reached zero (or that were created unheld) since the last sweep. */
  private orphans: number[] = [];

  // Ids, list indexes (i < count) and keys handed out here always lie inside these typed arrays,
  // so their reads carry `!`: this is the IPv6 route-key path, run per prefix.

  private static text(b: Uint8Array, base: number, length: number): string {
    let s = '';
    for (let k = 0; k < 16; k++) s += String.fromCharCode(b[base + k]!);
    return s + String.fromCharCode(length);
  }

  /** The key for the prefix at list[i], creating its id when new (unheld until retained). */
  keyOf(list: Ipv6PrefixList, i: number): number {
    const base = i * 16;
    const s = Ipv6PrefixIndex.text(list.addrs, base, list.lengths[i]!);
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.free.pop() ?? this.count++;
      this.grow(id);
      this.bytes.set(list.addrs.subarray(base, base + 16), id * 17);
      this.bytes[id * 17 + 16] = list.lengths[i]!;
      this.ids.set(s, id);
      this.refs[id] = 0;
      this.live[id] = 1;
      this.orphans.push(id);
    }
    return IPV6_BASE + id;
  }

  private grow(id: number): void {
    if ((id + 1) * 17 > this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2);
      next.set(this.bytes);
      this.bytes = next;
    }
    if (id >= this.refs.length) {
      const refs = new Int32Array(this.refs.length * 2);
      refs.set(this.refs);
      this.refs = refs;
      const live = new Uint8Array(this.live.length * 2);
      live.set(this.live);
      this.live = live;
    }
  }

  /** Looks a key up without creating it; -1 when unknown. */
  findKey(list: Ipv6PrefixList, i: number): number {
    const id = this.ids.get(Ipv6PrefixIndex.text(list.addrs, i * 16, list.lengths[i]!));
    return id === undefined ? -1 : IPV6_BASE + id;
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
    for (const id of this.orphans) {
      if (!this.live[id] || this.refs[id] !== 0) continue;
      this.ids.delete(Ipv6PrefixIndex.text(this.bytes, id * 17, this.bytes[id * 17 + 16]!));
      this.live[id] = 0;
      this.free.push(id);
      n++;
    }
    this.orphans = [];
    return n;
  }

  address(key: number): Uint8Array {
    const id = key - IPV6_BASE;
    return this.bytes.subarray(id * 17, id * 17 + 16);
  }

  length(key: number): number {
    return this.bytes[(key - IPV6_BASE) * 17 + 16]!;
  }

  get size(): number {
    return this.ids.size;
  }
}

/** Maps route keys to and from text and prefix lists. One per RIB. */
export class RouteKeys {
  readonly v6 = new Ipv6PrefixIndex();
  /** Slots of the keys the Loc-RIB and the kernel FIB hold (route-slots.ts). */
  readonly slots = new RouteSlots();

  keyAt(list: PrefixList, i: number): number {
    return list.afi === 1 ? list.keys[i]! : this.v6.keyOf(list, i); // i < count
  }

  format(key: number): string {
    if (key < IPV6_BASE) {
      const len = ipv4KeyLength(key);
      return `${formatIpv4((key - len) / 64)}/${len}`;
    }
    return `${formatIpv6(this.v6.address(key))}/${this.v6.length(key)}`;
  }

  /** The key for "10.0.0.0/24" or "2001:db8::/32" (host bits cleared); null when the text is not a prefix. */
  parse(text: string): number | null {
    const p = parsePrefix(text);
    return p === null ? null : this.keyOfPrefix(p, true);
  }

  /**
   * The key of a prefix, host bits cleared. An IPv6 prefix the index does not know gets an id
   * when `create` is set (unheld until retained), else the answer is -1.
   */
  keyOfPrefix(p: Prefix, create: boolean): number {
    const address = maskAddress(p.address, p.length);
    if (typeof address === 'number') return ipv4Key(address, p.length);
    const list: Ipv6PrefixList = { afi: 2, count: 1, addrs: address, lengths: Uint8Array.of(p.length), pathIds: null };
    return create ? this.v6.keyOf(list, 0) : this.v6.findKey(list, 0);
  }

  /** Builds a prefix list of one family from keys (for UPDATE packing). */
  toList(keys: ArrayLike<number>, family: Family): PrefixList {
    if (family === 'ipv4') {
      return { afi: 1, count: keys.length, keys: Float64Array.from(keys), pathIds: null };
    }
    const addrs = new Uint8Array(keys.length * 16);
    const lengths = new Uint8Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!; // i < length
      addrs.set(this.v6.address(key), i * 16);
      lengths[i] = this.v6.length(key);
    }
    return { afi: 2, count: keys.length, addrs, lengths, pathIds: null };
  }
}
