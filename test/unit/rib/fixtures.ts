// Builders for RIB tests: sources and attribute sets with only what a case needs.
import { makeAttribute, type AsPathSegment, type PathAttribute } from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import type { RouteAttrsInput } from '../../../src/rib/route-attrs.js';
import { addressOrder, BGP_PREFERENCE, type RouteSource } from '../../../src/rib/route-source.js';

export function bgpSource(index: number, opts: { address?: string; routerId?: string; ibgp?: boolean; peerAs?: number; name?: string } = {}): RouteSource {
  const address = opts.address ?? `10.0.${index}.1`;
  return {
    index,
    name: opts.name ?? `n${index}`,
    kind: 'bgp',
    ibgp: opts.ibgp ?? true,
    preference: BGP_PREFERENCE,
    routerId: parseIpv4(opts.routerId ?? address)!,
    peerAddress: address,
    peerAddressOrder: addressOrder(address),
    peerAs: opts.peerAs ?? 64600,
  };
}

export interface AttrOpts {
  localPref?: number;
  path?: number[];
  segments?: AsPathSegment[];
  origin?: 0 | 1 | 2;
  med?: number;
  originatorId?: string;
  clusterList?: string[];
  nextHop?: string;
  communities?: number[];
}

export function attrsInput(o: AttrOpts = {}): RouteAttrsInput {
  const attributes: PathAttribute[] = [makeAttribute('ORIGIN', o.origin ?? 0), makeAttribute('AS_PATH', o.segments ?? (o.path && o.path.length ? [{ type: 2, asns: o.path }] : []))];
  if (o.med !== undefined) attributes.push(makeAttribute('MULTI_EXIT_DISC', o.med));
  if (o.localPref !== undefined) attributes.push(makeAttribute('LOCAL_PREF', o.localPref));
  if (o.communities) attributes.push(makeAttribute('COMMUNITIES', o.communities));
  if (o.originatorId) attributes.push(makeAttribute('ORIGINATOR_ID', parseIpv4(o.originatorId)!));
  if (o.clusterList) attributes.push(makeAttribute('CLUSTER_LIST', o.clusterList.map((c) => parseIpv4(c)!)));
  return { attributes, receivedNextHop: o.nextHop ?? '192.0.2.1', receivedLinkLocal: null, nextHop: o.nextHop ?? '192.0.2.1', device: null, kind: 'unicast', noInstall: false };
}
