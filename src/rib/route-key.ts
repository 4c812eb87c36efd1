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
import { IPV6_BASE, Ipv6PrefixIndex } from './ipv6-prefix-index.js';
import { RouteSlots } from './route-slots.js';

export { IPV6_BASE, Ipv6PrefixIndex };

export function familyOfKey(key: number): Family {
  return key >= IPV6_BASE ? 'ipv6' : 'ipv4';
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
      this.v6.copyAddress(key, addrs, i * 16);
      lengths[i] = this.v6.length(key);
    }
    return { afi: 2, count: keys.length, addrs, lengths, pathIds: null };
  }
}
