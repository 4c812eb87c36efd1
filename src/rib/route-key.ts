// Route keys: one double per prefix. IPv4: address × 64 + length (below 2^38). IPv6: a
// prefix is interned once to a small id and keyed as IPV6_BASE + id, so every RIB table
// works on numbers whatever the family.
import {
  formatIpv4,
  formatIpv6,
  ipv4KeyLength,
  parsePrefix,
  type Family,
  type Ipv6PrefixList,
  type PrefixList,
} from '../bgp/wire/index.js';

export const IPV6_BASE = 2 ** 40;

export function familyOfKey(key: number): Family {
  return key >= IPV6_BASE ? 'ipv6' : 'ipv4';
}

/** IPv6 prefixes by id: 17 bytes each (address + length) in one growable array. */
export class Ipv6PrefixIndex {
  private readonly ids = new Map<string, number>();
  private bytes = new Uint8Array(17 * 1024);
  private count = 0;
  private readonly free: number[] = [];

  /** The key for the prefix at list[i], creating its id when new. */
  keyOf(list: Ipv6PrefixList, i: number): number {
    const base = i * 16;
    let s = '';
    for (let k = 0; k < 16; k++) s += String.fromCharCode(list.addrs[base + k]);
    s += String.fromCharCode(list.lengths[i]);
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.free.pop() ?? this.count++;
      if ((id + 1) * 17 > this.bytes.length) {
        const next = new Uint8Array(this.bytes.length * 2);
        next.set(this.bytes);
        this.bytes = next;
      }
      this.bytes.set(list.addrs.subarray(base, base + 16), id * 17);
      this.bytes[id * 17 + 16] = list.lengths[i];
      this.ids.set(s, id);
    }
    return IPV6_BASE + id;
  }

  /** Looks a key up without creating it; -1 when unknown. */
  findKey(list: Ipv6PrefixList, i: number): number {
    const base = i * 16;
    let s = '';
    for (let k = 0; k < 16; k++) s += String.fromCharCode(list.addrs[base + k]);
    s += String.fromCharCode(list.lengths[i]);
    const id = this.ids.get(s);
    return id === undefined ? -1 : IPV6_BASE + id;
  }

  /** Forgets an id no table refers to any more. */
  release(key: number): void {
    const id = key - IPV6_BASE;
    let s = '';
    for (let k = 0; k < 17; k++) s += String.fromCharCode(this.bytes[id * 17 + k]);
    if (this.ids.delete(s)) this.free.push(id);
  }

  address(key: number): Uint8Array {
    const id = key - IPV6_BASE;
    return this.bytes.subarray(id * 17, id * 17 + 16);
  }

  length(key: number): number {
    return this.bytes[(key - IPV6_BASE) * 17 + 16];
  }

  get size(): number {
    return this.ids.size;
  }
}

/** Maps route keys to and from text and prefix lists. One per RIB. */
export class RouteKeys {
  readonly v6 = new Ipv6PrefixIndex();

  keyAt(list: PrefixList, i: number): number {
    return list.afi === 1 ? list.keys[i] : this.v6.keyOf(list, i);
  }

  format(key: number): string {
    if (key < IPV6_BASE) {
      const len = ipv4KeyLength(key);
      return `${formatIpv4((key - len) / 64)}/${len}`;
    }
    return `${formatIpv6(this.v6.address(key))}/${this.v6.length(key)}`;
  }

  /** The key for "10.0.0.0/24" or "2001:db8::/32"; null when the text is not a prefix. */
  parse(text: string): number | null {
    const p = parsePrefix(text);
    if (!p) return null;
    if (p.afi === 1) return p.v4 * 64 + p.length;
    const list: Ipv6PrefixList = { afi: 2, count: 1, addrs: p.v6 as Uint8Array, lengths: Uint8Array.of(p.length), pathIds: null };
    return this.v6.keyOf(list, 0);
  }

  /** Builds a prefix list of one family from keys (for UPDATE packing). */
  toList(keys: ArrayLike<number>, family: Family): PrefixList {
    if (family === 'ipv4') {
      return { afi: 1, count: keys.length, keys: Float64Array.from(keys), pathIds: null };
    }
    const addrs = new Uint8Array(keys.length * 16);
    const lengths = new Uint8Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      addrs.set(this.v6.address(keys[i]), i * 16);
      lengths[i] = this.v6.length(keys[i]);
    }
    return { afi: 2, count: keys.length, addrs, lengths, pathIds: null };
  }
}
