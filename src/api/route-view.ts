// Loc-RIB entries as the API shows them. Runs on request, not on the hot path.
import { attributesToJSON, findAttribute, formatCommunity, ORIGIN_NAMES, parseIpv4, parseIpv6, type AsPathSegment, type Ipv6PrefixList } from '../bgp/wire/index.js';
import type { KernelStateView, PathView, RouteList, RouteProvider, RouteQuery, RouteView } from './route-types.js';
import type { Rib, RoutePath } from '../rib/rib.js';
import { familyOfKey } from '../rib/route-key.js';

export function formatAsPath(segments: readonly AsPathSegment[]): string {
  return segments
    .map((s) => (s.type === 2 ? s.asns.join(' ') : s.type === 1 ? `{${s.asns.join(',')}}` : s.type === 3 ? `(${s.asns.join(' ')})` : `[${s.asns.join(',')}]`))
    .join(' ');
}

function pathView(p: RoutePath, all: boolean): PathView {
  const a = p.attrs;
  const view: PathView = {
    source: p.source.name,
    sourceKind: p.source.kind,
    status: p.status,
    stale: p.stale,
    kind: a.kind,
    nextHop: a.nextHop,
    receivedNextHop: a.receivedNextHop,
    device: a.device,
    noInstall: a.noInstall,
    localPref: a.localPref,
    asPath: formatAsPath(findAttribute(a.attributes, 'AS_PATH') ?? []),
    origin: ORIGIN_NAMES[a.origin as 0 | 1 | 2] ?? String(a.origin),
    med: a.hasMed ? a.med : null,
    communities: (findAttribute(a.attributes, 'COMMUNITIES') ?? []).map(formatCommunity),
    largeCommunities: (findAttribute(a.attributes, 'LARGE_COMMUNITY') ?? []).map((c) => c.join(':')),
  };
  if (all) view.attributes = attributesToJSON(a.attributes);
  return view;
}

export type KernelStateLookup = (prefix: string) => KernelStateView | undefined;

/** The longest prefix holding an address (like BIRD's `show route for`). */
function longestMatch(rib: Rib, address: string): number | null {
  const v4 = parseIpv4(address);
  if (v4 !== null) {
    for (let len = 32; len >= 0; len--) {
      const masked = len === 0 ? 0 : (v4 & (0xffffffff << (32 - len))) >>> 0;
      const key = masked * 64 + len;
      if (rib.selected(key)) return key;
    }
    return null;
  }
  const v6 = parseIpv6(address);
  if (!v6) return null;
  for (let len = 128; len >= 0; len--) {
    const addr = v6.slice();
    for (let bit = len; bit < 128; bit++) addr[bit >> 3] &= ~(0x80 >> (bit & 7));
    const list: Ipv6PrefixList = { afi: 2, count: 1, addrs: addr, lengths: Uint8Array.of(len), pathIds: null };
    const key = rib.keys.v6.findKey(list, 0);
    if (key >= 0 && rib.selected(key)) return key;
  }
  return null;
}

export function routeProvider(rib: Rib, kernelState: KernelStateLookup = () => undefined): RouteProvider {
  const view = (key: number, all: boolean): RouteView => {
    const paths = rib.paths(key).filter((p) => all || p.status === 'best' || p.status === 'multipath');
    paths.sort((x, y) => rank(x.status) - rank(y.status));
    const prefix = rib.keys.format(key);
    const kernel = kernelState(prefix);
    return { prefix, paths: paths.map((p) => pathView(p, all)), ...(kernel ? { kernel } : {}) };
  };
  return {
    listRoutes(q: RouteQuery): RouteList | null {
      if (q.prefix !== undefined) {
        let key: number | null;
        if (q.prefix.includes('/')) {
          key = rib.keys.parse(q.prefix);
          if (key === null) return null;
          if (!rib.selected(key)) return { total: 0, truncated: false, routes: [] };
        } else {
          if (parseIpv4(q.prefix) === null && parseIpv6(q.prefix) === null) return null;
          key = longestMatch(rib, q.prefix);
          if (key === null) return { total: 0, truncated: false, routes: [] };
        }
        return { total: 1, truncated: false, routes: [view(key, q.all)] };
      }
      const keys: number[] = [];
      rib.forEachRoute((key) => {
        if (!q.family || familyOfKey(key) === q.family) keys.push(key);
      });
      keys.sort((a, b) => a - b);
      const limit = q.limit === 0 ? keys.length : q.limit;
      return { total: keys.length, truncated: keys.length > limit, routes: keys.slice(0, limit).map((k) => view(k, q.all)) };
    },
  };
}

function rank(status: string): number {
  return status === 'best' ? 0 : status === 'multipath' ? 1 : 2;
}
