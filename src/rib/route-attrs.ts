// A route's attributes as the RIB keeps them: the BGP path attributes plus what import
// decided (next hop after rewrite, install or not), with the decision inputs computed
// once. Interned: one shared object per distinct set (see attr-store.ts).
import {
  asPathLength,
  findAttribute,
  SegmentType,
  type PathAttribute,
} from '../bgp/wire/index.js';
import type { RouteKind } from '../net/index.js';

export interface RouteAttrsInput {
  /** BGP path attributes, without NEXT_HOP, MP_REACH_NLRI and MP_UNREACH_NLRI (next hops live below). */
  attributes: readonly PathAttribute[];
  /** The next hop as received (NEXT_HOP or MP_REACH_NLRI global address); null for local routes. */
  receivedNextHop: string | null;
  /** The IPv6 link-local next hop as received, if any. */
  receivedLinkLocal: string | null;
  /** Where traffic goes: the next hop after the receive-side rewrite, or a static gateway. */
  nextHop: string | null;
  /** Outgoing device when it is fixed (link-local next hops, interface routes). */
  device: string | null;
  kind: RouteKind;
  /** Policy said: advertise, but never write into the kernel. */
  noInstall: boolean;
}

export interface RouteAttrs extends Readonly<RouteAttrsInput> {
  readonly id: number;
  readonly localPref: number;
  readonly asPathLength: number;
  readonly origin: number;
  readonly med: number;
  readonly hasMed: boolean;
  /** First AS of the path (the neighboring AS for MED comparison), 0 when the path is empty. */
  readonly neighborAs: number;
  /** RFC 4456 §9: ORIGINATOR_ID stands in for the router id in the tie-break. */
  readonly originatorId: number | null;
  readonly clusterListLength: number;
}

export const DEFAULT_LOCAL_PREF = 100;

export function deriveDecisionInputs(input: RouteAttrsInput): Omit<RouteAttrs, keyof RouteAttrsInput | 'id'> {
  const attrs = input.attributes;
  const path = findAttribute(attrs, 'AS_PATH') ?? [];
  const med = findAttribute(attrs, 'MULTI_EXIT_DISC');
  const first = path.find((s) => s.type === SegmentType.AS_SEQUENCE || s.type === SegmentType.AS_SET);
  return {
    localPref: findAttribute(attrs, 'LOCAL_PREF') ?? DEFAULT_LOCAL_PREF,
    asPathLength: asPathLength(path),
    origin: findAttribute(attrs, 'ORIGIN') ?? 2,
    med: med ?? 0,
    hasMed: med !== undefined,
    neighborAs: first && first.type === SegmentType.AS_SEQUENCE ? (first.asns[0] ?? 0) : 0,
    originatorId: findAttribute(attrs, 'ORIGINATOR_ID') ?? null,
    clusterListLength: findAttribute(attrs, 'CLUSTER_LIST')?.length ?? 0,
  };
}
