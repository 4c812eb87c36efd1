// Which routes of a kernel table become origin routes: pure, from `ip -N -json -d route show`.
import type { IpRoute } from '../host/ip-records.js';
import { destinationPrefix } from '../host/prefix-text.js';
import type { RouteKind } from '../net/index.js';
import type { OriginFamily, OriginRoute } from './types.js';

/** RTN_* route types (linux/rtnetlink.h). */
export const RouteType = {
  UNICAST: 1,
  LOCAL: 2,
  BROADCAST: 3,
  ANYCAST: 4,
  MULTICAST: 5,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
  THROW: 9,
} as const;

/**
 * What the kernel's route types mean as origin routes. Prohibit differs from unreachable only
 * in the ICMP code sent back, so both are unreachable here. Throw, local, broadcast and the
 * rest are lookup mechanics of this host, not destinations to advertise.
 */
export function originKind(type: number): RouteKind | null {
  switch (type) {
    case RouteType.UNICAST:
      return 'unicast';
    case RouteType.BLACKHOLE:
      return 'blackhole';
    case RouteType.UNREACHABLE:
    case RouteType.PROHIBIT:
      return 'unreachable';
    default:
      return null;
  }
}

export interface KernelRouteFilter {
  /** Routes installed with these protocol numbers are left out (necod's own, for instance). */
  ignoreProtocols: ReadonlySet<number>;
}

function toOriginRoute(route: IpRoute, family: OriginFamily): OriginRoute | null {
  const kind = originKind(route.type);
  if (kind === null) return null;
  const prefix = destinationPrefix(route.dst, family);
  if (prefix === null) return null;
  if (kind !== 'unicast') return { prefix, kind, nextHop: null, device: null };
  // A multipath route is one destination; its first path stands for it (the next hop is
  // informational: the route is advertised, never written back).
  const first = route.nexthops[0];
  const nextHop = first === undefined ? route.gateway : first.gateway;
  const device = first === undefined ? route.device : first.device;
  return { prefix, kind, nextHop, device };
}

/**
 * The origin routes of one family's dump of a table. Where a prefix appears more than once
 * (different metrics), the lowest metric wins, as in the kernel's own lookup.
 */
export function kernelRoutes(routes: readonly IpRoute[], family: OriginFamily, filter: KernelRouteFilter): Map<string, OriginRoute> {
  const best = new Map<string, { metric: number; route: OriginRoute }>();
  for (const route of routes) {
    if (filter.ignoreProtocols.has(route.protocol)) continue;
    const origin = toOriginRoute(route, family);
    if (origin === null) continue;
    const held = best.get(origin.prefix);
    if (held === undefined || route.metric < held.metric) best.set(origin.prefix, { metric: route.metric, route: origin });
  }
  const result = new Map<string, OriginRoute>();
  for (const [prefix, { route }] of best) result.set(prefix, route);
  return result;
}
