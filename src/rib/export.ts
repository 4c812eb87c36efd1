// Export: which Loc-RIB routes go to a neighbor, and with which attributes. Pure rules
// (RFC 4271 §9.1.3, §5.1; RFC 4456 §8 reflection; RFC 1997 well-known communities);
// the Adj-RIB-Out (adj-rib-out.ts) keeps what was sent.
import {
  AttrFlag,
  as4PathFor,
  findAttribute,
  hasFourOctetAsn,
  makeAttribute,
  SegmentType,
  AS_TRANS,
  type AsPathSegment,
  type PathAttribute,
} from '../bgp/wire/index.js';
import { parseIpv4, type Prefix } from '../net/index.js';
import { evaluatePolicy, applyAttributeActions, insertInCodeOrder, type CompiledPolicy } from './policy.js';
import { DEFAULT_LOCAL_PREF, type RouteAttrs } from './route-attrs.js';
import type { RouteSource } from './route-source.js';

export type ExportMode = 'local' | 'all';

export interface ExportTarget {
  name: string;
  sourceIndex: number;
  ibgp: boolean;
  localAs: number;
  routerId: number;
  clusterId: number;
  /** We reflect iBGP routes to this neighbor (RFC 4456 client). */
  routeReflectorClient: boolean;
  /** The session negotiated 4-octet ASNs. */
  as4: boolean;
  /** Next hops we put on routes we originate or pass on as "self", per family; null when we have none. */
  selfNextHop: { ipv4: string | null; ipv6: string | null; ipv6LinkLocal: string | null };
  /** local: locally originated routes only (the default); all: every best route the rules allow. */
  mode: ExportMode;
  policy: CompiledPolicy | null;
}

const NO_EXPORT = 0xffffff01;
const NO_ADVERTISE = 0xffffff02;
const NO_EXPORT_SUBCONFED = 0xffffff03;

export interface ExportedRoute {
  /** Path attributes to send, without NEXT_HOP/MP_* (the packer adds those). */
  attributes: PathAttribute[];
  nextHop: string;
  /** IPv6 link-local next hop to send next to the global one. */
  linkLocal: string | null;
}

/** May this route, learned from `from`, be sent to `to` at all? */
export function exportAllowed(from: RouteSource, attrs: RouteAttrs, to: ExportTarget, fromIsClient: boolean): boolean {
  if (from.index === to.sourceIndex) return false; // never back to where it came from
  const local = from.kind !== 'bgp';
  if (!local && to.mode === 'local') return false;
  if (attrs.kind !== 'unicast' && !local) return false;
  const communities = findAttribute(attrs.attributes, 'COMMUNITIES');
  if (communities) {
    if (communities.includes(NO_ADVERTISE)) return false;
    if (!to.ibgp && (communities.includes(NO_EXPORT) || communities.includes(NO_EXPORT_SUBCONFED))) return false;
  }
  // RFC 4456 §8: an iBGP route goes to iBGP peers only when reflecting: from a client to
  // anyone, or from a non-client to clients.
  if (!local && from.ibgp && to.ibgp && !fromIsClient && !to.routeReflectorClient) return false;
  return true;
}

function prepend(path: readonly AsPathSegment[], asn: number): AsPathSegment[] {
  const first = path[0];
  if (first && first.type === SegmentType.AS_SEQUENCE && first.asns.length < 255) {
    return [{ type: 2, asns: [asn, ...first.asns] }, ...path.slice(1)];
  }
  return [{ type: 2, asns: [asn] }, ...path];
}

/** The attributes for `to`; null when policy rejects or no next hop of the family exists. */
export function exportAttributes(
  from: RouteSource,
  attrs: RouteAttrs,
  to: ExportTarget,
  family: 'ipv4' | 'ipv6',
  prefix: Prefix | null,
): ExportedRoute | null {
  const local = from.kind !== 'bgp';
  let out: PathAttribute[] = [];
  for (const a of attrs.attributes) {
    if (a.name === 'UNKNOWN') {
      // RFC 4271 §5: unknown optional transitive attributes pass on with Partial set;
      // unknown non-transitive ones stop here.
      if (a.flags & AttrFlag.TRANSITIVE) out.push({ ...a, flags: a.flags | AttrFlag.PARTIAL });
      continue;
    }
    out.push(a);
  }
  const path = findAttribute(out, 'AS_PATH') ?? [];
  const set = (attr: PathAttribute) => {
    const i = out.findIndex((x) => x.name === attr.name);
    if (i >= 0) out[i] = attr;
    else out = insertInCodeOrder(out, attr);
  };
  const drop = (name: PathAttribute['name']) => {
    out = out.filter((x) => x.name !== name);
  };
  if (findAttribute(out, 'ORIGIN') === undefined) set(makeAttribute('ORIGIN', local ? 0 : 2));
  if (to.ibgp) {
    set(makeAttribute('AS_PATH', path));
    if (findAttribute(out, 'LOCAL_PREF') === undefined) set(makeAttribute('LOCAL_PREF', attrs.localPref ?? DEFAULT_LOCAL_PREF));
    if (!local && from.ibgp) {
      // RFC 4456 §8: reflecting.
      if (findAttribute(out, 'ORIGINATOR_ID') === undefined) set(makeAttribute('ORIGINATOR_ID', from.routerId));
      set(makeAttribute('CLUSTER_LIST', [to.clusterId, ...(findAttribute(out, 'CLUSTER_LIST') ?? [])]));
    }
  } else {
    // RFC 4271 §5.1.2: prepend our AS toward an external peer; confed segments go (RFC 5065 §5.3).
    set(makeAttribute('AS_PATH', prepend(path.filter((s) => s.type === 1 || s.type === 2), to.localAs)));
    drop('LOCAL_PREF');
    drop('ORIGINATOR_ID');
    drop('CLUSTER_LIST');
    // RFC 4271 §5.1.4: a received MED is not passed to other ASes.
    if (!local) drop('MULTI_EXIT_DISC');
  }

  let nextHop: string | null;
  let linkLocal: string | null = null;
  // Reflected iBGP routes keep the next hop they came with; everything else gets ours.
  const keep = to.ibgp && !local && from.ibgp;
  if (keep) nextHop = attrs.receivedNextHop;
  else if (local && attrs.nextHop && attrs.kind === 'unicast' && from.kind === 'api') nextHop = attrs.nextHop;
  else nextHop = family === 'ipv4' ? to.selfNextHop.ipv4 : to.selfNextHop.ipv6;
  if (family === 'ipv6' && !keep) linkLocal = to.selfNextHop.ipv6LinkLocal;
  if (keep && family === 'ipv6') linkLocal = null;

  if (to.policy) {
    const r = evaluatePolicy(to.policy, { attributes: out, neighbor: from.name, prefix });
    if (!r.accepted) return null;
    out = applyAttributeActions(out, r.actions, (name, value) => makeAttribute(name, value as never));
    if (r.actions.nextHop === 'self') nextHop = family === 'ipv4' ? to.selfNextHop.ipv4 : to.selfNextHop.ipv6;
    else if (r.actions.nextHop !== undefined) nextHop = r.actions.nextHop;
  }
  if (!nextHop) return null;

  // RFC 6793 §4.2.2: toward a 2-octet speaker, 4-octet ASNs become AS_TRANS plus AS4_PATH.
  if (!to.as4) {
    const finalPath = findAttribute(out, 'AS_PATH') ?? [];
    if (hasFourOctetAsn(finalPath)) set(makeAttribute('AS4_PATH', as4PathFor(finalPath)));
    const aggr = findAttribute(out, 'AGGREGATOR');
    if (aggr && aggr.asn > 0xffff) {
      set(makeAttribute('AS4_AGGREGATOR', aggr));
      set(makeAttribute('AGGREGATOR', { asn: AS_TRANS, address: aggr.address }));
    }
  }
  return { attributes: out, nextHop, linkLocal };
}

/** The full attribute list for the wire: NEXT_HOP for IPv4, MP_REACH_NLRI template for IPv6. */
export function wireAttributes(route: ExportedRoute, family: 'ipv4' | 'ipv6'): PathAttribute[] {
  if (family === 'ipv4') {
    const nh = parseIpv4(route.nextHop);
    if (nh !== null) return insertInCodeOrder([...route.attributes], makeAttribute('NEXT_HOP', nh));
    // An IPv6 next hop for IPv4 NLRI (RFC 8950) goes in MP_REACH_NLRI.
    return insertInCodeOrder([...route.attributes], makeAttribute('MP_REACH_NLRI', { afi: 1, safi: 1, nextHops: [route.nextHop], nlri: null, rawNlri: null }));
  }
  const hops = route.linkLocal ? [route.nextHop, route.linkLocal] : [route.nextHop];
  return insertInCodeOrder([...route.attributes], makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: hops, nlri: null, rawNlri: null }));
}
