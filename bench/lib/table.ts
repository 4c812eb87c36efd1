// The synthetic full table every benchmark uses: n IPv4 prefixes of length /24../32, spread
// over 11.0.0.0 upwards, in a fixed order so runs are comparable.
import type { Ipv4PrefixList } from '../../src/bgp/wire/index.js';

export function ipv4FullTable(n: number): Ipv4PrefixList {
  const keys = new Float64Array(n);
  let x = 0x0b000000;
  for (let i = 0; i < n; i++) {
    const len = 24 + (i % 9);
    x = (x + 0x100 + (i % 7) * 0x10) >>> 0;
    keys[i] = ((x & (0xffffffff << (32 - len))) >>> 0) * 64 + len;
  }
  return { afi: 1, count: n, keys, pathIds: null };
}
