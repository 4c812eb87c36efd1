// The synthetic full table every benchmark uses: n IPv4 prefixes of length /24../32, spread
// over 11.0.0.0 upwards, in a fixed order so runs are comparable.
import { AS4_CONTEXT, packAnnouncements, type Ipv4PrefixList, type PathAttribute } from '../../src/bgp/wire/index.js';

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

/**
 * The table of ipv4FullTable(n) as UPDATEs, in `groups` consecutive runs of prefixes that each
 * share the attribute set attrs(g) (which must hold NEXT_HOP), packed as a speaker would.
 */
export function tableUpdates(n: number, groups: number, attrs: (g: number) => PathAttribute[]): Uint8Array[] {
  const keys = ipv4FullTable(n).keys;
  const per = Math.ceil(n / groups);
  const out: Uint8Array[] = [];
  for (let g = 0; g < groups; g++) {
    const from = g * per;
    const to = Math.min(n, from + per);
    if (from >= to) break;
    const part: Ipv4PrefixList = { afi: 1, count: to - from, keys: keys.subarray(from, to), pathIds: null };
    out.push(...packAnnouncements(attrs(g), part, AS4_CONTEXT));
  }
  return out;
}
