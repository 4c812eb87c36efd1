// Import: an UPDATE from a neighbor becomes withdrawals and attribute sets ready for the
// Adj-RIB-In. Here live the data-center rules: the receive-side NEXT_HOP rewrite, loop
// prevention, the RFC 6793 path merge and import policy. Pure: message and context in,
// plain data out.
import { findAttribute, makeAttribute, mergeAs4Aggregator, mergeAs4Path, SegmentType, type Ipv4PrefixList, type LargeCommunity, type PathAttribute, type PrefixList, type UpdateMessage } from '../bgp/wire/index.js';
import { formatIpv4, isLinkLocalIpv6, parseIpv6, prefixContainsText, type Prefix } from '../net/index.js';
import { applyAttributeActions, evaluatePolicy, type CompiledPolicy, type PolicyActions } from './policy.js';
import type { RouteAttrsInput } from './route-attrs.js';

export interface ImportContext {
  neighborName: string;
  localAs: number;
  routerId: number;
  /** RFC 4456 cluster id (our router id unless configured). */
  clusterId: number;
  ibgp: boolean;
  /** The session negotiated 4-octet ASNs; if not, AS4_PATH/AS4_AGGREGATOR are merged in. */
  as4: boolean;
  /** The neighbor's address: the next hop for routes whose own next hop is outside its subnet. */
  peerAddress: string;
  /** The neighbor's subnet per family; null keeps every received next hop (multihop peers). */
  rewriteSubnet: { ipv4: Prefix | null; ipv6: Prefix | null };
  /** The session's interface, for IPv6 link-local next hops. */
  interfaceName: string | null;
  policy: CompiledPolicy | null;
}

export interface ImportedRoutes {
  list: PrefixList;
  attrs: RouteAttrsInput;
}

export interface ImportResult {
  withdrawals: PrefixList[];
  announcements: ImportedRoutes[];
  /** Why the reachable NLRI were not accepted as a whole, if they were not. */
  rejected: 'treat-as-withdraw' | 'as-path-loop' | 'originator-id-loop' | 'cluster-list-loop' | 'no-next-hop' | null;
  /** Prefixes the import policy rejected (also among the withdrawals). */
  policyRejected: number;
}

/** Attributes that travel with the route in the RIB (next hops live apart). */
function storedAttributes(attrs: readonly PathAttribute[], ibgp: boolean): PathAttribute[] {
  return attrs.filter((a) => {
    if (a.name === 'NEXT_HOP' || a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI') return false;
    if (a.name === 'AS4_PATH' || a.name === 'AS4_AGGREGATOR') return false; // merged below
    // RFC 4271 §5.1.5: LOCAL_PREF from an external peer is ignored.
    if (a.name === 'LOCAL_PREF' && !ibgp) return false;
    return true;
  });
}

/** RFC 6793 §4.2.3: rebuild AS_PATH and AGGREGATOR from a 2-octet speaker's attributes. */
function mergeFourOctet(attrs: readonly PathAttribute[], out: PathAttribute[]): PathAttribute[] {
  const asPath = findAttribute(attrs, 'AS_PATH');
  const as4Path = findAttribute(attrs, 'AS4_PATH');
  const aggr = findAttribute(attrs, 'AGGREGATOR');
  const as4Aggr = findAttribute(attrs, 'AS4_AGGREGATOR');
  if (!as4Path && !as4Aggr) return out;
  const { aggregator, useAs4Path } = mergeAs4Aggregator(aggr, as4Aggr);
  return out.map((a) => {
    if (a.name === 'AS_PATH' && asPath) return { ...a, value: mergeAs4Path(asPath, useAs4Path ? as4Path : undefined) };
    if (a.name === 'AGGREGATOR' && aggregator) return { ...a, value: aggregator };
    return a;
  });
}

function loopReason(attrs: readonly PathAttribute[], ctx: ImportContext): ImportResult['rejected'] {
  const path = findAttribute(attrs, 'AS_PATH') ?? [];
  // RFC 4271 §9.1.2: our own AS in the path (eBGP; iBGP paths hold it legitimately only in confed segments).
  if (!ctx.ibgp && path.some((s) => (s.type === SegmentType.AS_SEQUENCE || s.type === SegmentType.AS_SET) && s.asns.includes(ctx.localAs))) {
    return 'as-path-loop';
  }
  // RFC 4456 §8.
  if (ctx.ibgp && findAttribute(attrs, 'ORIGINATOR_ID') === ctx.routerId) return 'originator-id-loop';
  if ((findAttribute(attrs, 'CLUSTER_LIST') ?? []).includes(ctx.clusterId)) return 'cluster-list-loop';
  return null;
}

interface NextHopChoice {
  received: string | null;
  linkLocal: string | null;
  nextHop: string | null;
  device: string | null;
}

/**
 * The receive-side rule: a next hop inside the neighbor's subnet is kept (a server in the
 * same rack, reachable directly; rewriting it would make the ToR send ICMP redirects);
 * any other next hop becomes the neighbor's own address. No IGP, no reachability check.
 */
export function chooseNextHop(family: 'ipv4' | 'ipv6', received: string | null, linkLocal: string | null, ctx: ImportContext): NextHopChoice {
  const subnet = ctx.rewriteSubnet[family];
  const peerIsFamily = family === 'ipv4' ? !ctx.peerAddress.includes(':') : ctx.peerAddress.includes(':');
  if (received !== null && subnet && prefixContainsText(subnet, received)) return { received, linkLocal, nextHop: received, device: null };
  if (family === 'ipv6') {
    const global = received !== null ? parseIpv6(received) : null;
    const onlyLinkLocal = global !== null && isLinkLocalIpv6(global);
    // A link-local next hop is only meaningful on the session's interface (RFC 2545 §3).
    if (onlyLinkLocal) return { received, linkLocal, nextHop: received, device: ctx.interfaceName };
    if (subnet && peerIsFamily) return { received, linkLocal, nextHop: ctx.peerAddress, device: null };
    if (!subnet && received !== null) return { received, linkLocal, nextHop: received, device: null };
    if (linkLocal) return { received, linkLocal, nextHop: linkLocal, device: ctx.interfaceName };
    return { received, linkLocal, nextHop: received, device: null };
  }
  if (!subnet || !peerIsFamily) return { received, linkLocal, nextHop: received, device: null };
  return { received, linkLocal, nextHop: ctx.peerAddress, device: null };
}

function makeForPolicy(name: 'LOCAL_PREF' | 'MULTI_EXIT_DISC' | 'COMMUNITIES' | 'LARGE_COMMUNITY', value: number | number[] | LargeCommunity[]): PathAttribute {
  switch (name) {
    case 'LOCAL_PREF':
      return makeAttribute('LOCAL_PREF', value as number);
    case 'MULTI_EXIT_DISC':
      return makeAttribute('MULTI_EXIT_DISC', value as number);
    case 'COMMUNITIES':
      return makeAttribute('COMMUNITIES', value as number[]);
    case 'LARGE_COMMUNITY':
      return makeAttribute('LARGE_COMMUNITY', value as LargeCommunity[]);
  }
}

function withActions(base: RouteAttrsInput, actions: PolicyActions): RouteAttrsInput {
  const attributes = applyAttributeActions(base.attributes, actions, makeForPolicy);
  return {
    ...base,
    attributes,
    nextHop: actions.nextHop !== undefined && actions.nextHop !== 'self' ? actions.nextHop : base.nextHop,
    device: actions.nextHop !== undefined && actions.nextHop !== 'self' ? null : base.device,
    noInstall: actions.noInstall ?? base.noInstall,
  };
}

// In the two functions below every index is a position of the list (i < count), hence the `!`.
function prefixView(list: PrefixList, i: number): Prefix {
  if (list.afi === 1) {
    const key = list.keys[i]!;
    const length = key % 64;
    return { address: (key - length) / 64, length };
  }
  return { address: list.addrs.subarray(i * 16, i * 16 + 16), length: list.lengths[i]! };
}

/** Picks the listed positions out of a prefix list. */
function pick(list: PrefixList, idx: number[]): PrefixList {
  if (list.afi === 1) {
    return { afi: 1, count: idx.length, keys: Float64Array.from(idx, (i) => list.keys[i]!), pathIds: list.pathIds ? Uint32Array.from(idx, (i) => (list.pathIds as Uint32Array)[i]!) : null };
  }
  const addrs = new Uint8Array(idx.length * 16);
  idx.forEach((i, k) => addrs.set(list.addrs.subarray(i * 16, i * 16 + 16), k * 16));
  return { afi: 2, count: idx.length, addrs, lengths: Uint8Array.from(idx, (i) => list.lengths[i]!), pathIds: list.pathIds ? Uint32Array.from(idx, (i) => (list.pathIds as Uint32Array)[i]!) : null };
}

function applyPolicy(list: PrefixList, base: RouteAttrsInput, ctx: ImportContext, out: ImportResult): void {
  const cp = ctx.policy;
  if (!cp) {
    out.announcements.push({ list, attrs: base });
    return;
  }
  if (!cp.perPrefix) {
    const r = evaluatePolicy(cp, { attributes: base.attributes, neighbor: ctx.neighborName, prefix: null });
    if (r.accepted) out.announcements.push({ list, attrs: withActions(base, r.actions) });
    else {
      out.withdrawals.push(list);
      out.policyRejected += list.count;
    }
    return;
  }
  // Prefix-dependent policy: group prefixes by the outcome, one attribute set per group.
  const groups = new Map<string, { actions: PolicyActions; idx: number[] }>();
  const rejected: number[] = [];
  for (let i = 0; i < list.count; i++) {
    const r = evaluatePolicy(cp, { attributes: base.attributes, neighbor: ctx.neighborName, prefix: prefixView(list, i) });
    if (!r.accepted) {
      rejected.push(i);
      continue;
    }
    const key = JSON.stringify(r.actions);
    const g = groups.get(key);
    if (g) g.idx.push(i);
    else groups.set(key, { actions: r.actions, idx: [i] });
  }
  if (rejected.length) {
    out.withdrawals.push(pick(list, rejected));
    out.policyRejected += rejected.length;
  }
  for (const g of groups.values()) {
    out.announcements.push({ list: g.idx.length === list.count ? list : pick(list, g.idx), attrs: withActions(base, g.actions) });
  }
}

export function importUpdate(msg: UpdateMessage, outcome: 'ok' | 'treat-as-withdraw' | 'attribute-discard', ctx: ImportContext): ImportResult {
  const out: ImportResult = { withdrawals: [], announcements: [], rejected: null, policyRejected: 0 };
  if (msg.withdrawn.count) out.withdrawals.push(msg.withdrawn);
  const unreach = findAttribute(msg.attributes, 'MP_UNREACH_NLRI');
  if (unreach?.withdrawn && unreach.withdrawn.count) out.withdrawals.push(unreach.withdrawn);

  const reach = findAttribute(msg.attributes, 'MP_REACH_NLRI');
  const mpList = reach?.nlri && reach.nlri.count ? reach.nlri : null;
  const v4List: Ipv4PrefixList | null = msg.nlri.count ? msg.nlri : null;
  if (!mpList && !v4List) return out;

  const reject = (why: ImportResult['rejected']) => {
    if (v4List) out.withdrawals.push(v4List);
    if (mpList) out.withdrawals.push(mpList);
    out.rejected = why;
    return out;
  };
  // RFC 7606 §2: treat-as-withdraw turns every reachable prefix of the UPDATE into a withdrawal.
  if (outcome === 'treat-as-withdraw') return reject('treat-as-withdraw');
  const loop = loopReason(msg.attributes, ctx);
  if (loop) return reject(loop);

  let attributes = storedAttributes(msg.attributes, ctx.ibgp);
  if (!ctx.as4) attributes = mergeFourOctet(msg.attributes, attributes);

  if (v4List) {
    const nh = findAttribute(msg.attributes, 'NEXT_HOP');
    const choice = chooseNextHop('ipv4', nh === undefined ? null : formatIpv4(nh), null, ctx);
    if (choice.nextHop === null) return reject('no-next-hop');
    applyPolicy(v4List, { attributes, receivedNextHop: choice.received, receivedLinkLocal: null, nextHop: choice.nextHop, device: choice.device, kind: 'unicast', noInstall: false }, ctx, out);
  }
  if (mpList && reach) {
    const family = mpList.afi === 1 ? 'ipv4' : 'ipv6';
    const choice = chooseNextHop(family, reach.nextHops[0] ?? null, reach.nextHops[1] ?? null, ctx);
    applyPolicy(mpList, { attributes, receivedNextHop: choice.received, receivedLinkLocal: choice.linkLocal, nextHop: choice.nextHop, device: choice.device, kind: 'unicast', noInstall: false }, ctx, out);
  }
  return out;
}

