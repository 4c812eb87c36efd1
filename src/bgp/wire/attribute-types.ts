// Plain data for decoded path attributes. A known attribute is narrowed by `name`;
// unknown ones keep their bytes so they can be passed on (RFC 4271 §5).
import type { PrefixList } from './prefix.js';

export type Origin = 0 | 1 | 2;
export const ORIGIN_NAMES = ['IGP', 'EGP', 'INCOMPLETE'] as const;

export const SegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;
export type SegmentTypeCode = 1 | 2 | 3 | 4;
export const SEGMENT_TYPE_NAMES: Record<SegmentTypeCode, string> = {
  1: 'AS_SET',
  2: 'AS_SEQUENCE',
  3: 'AS_CONFED_SEQUENCE',
  4: 'AS_CONFED_SET',
};

export interface AsPathSegment {
  type: SegmentTypeCode;
  asns: number[];
}

export interface Aggregator {
  asn: number;
  /** IPv4 address as a number */
  address: number;
}

export type LargeCommunity = readonly [number, number, number];

export interface MpReach {
  afi: number;
  safi: number;
  /**
   * Next hops as text: one IPv4 address (length 4), or an IPv6 global address and,
   * when the length is 32, a link-local one (RFC 2545 §3; RFC 8950 for IPv4 NLRI).
   */
  nextHops: string[];
  /** NLRI of a family we decode; null for other AFI/SAFI, whose bytes stay in `rawNlri`. */
  nlri: PrefixList | null;
  rawNlri: Uint8Array | null;
}

export interface MpUnreach {
  afi: number;
  safi: number;
  withdrawn: PrefixList | null;
  rawWithdrawn: Uint8Array | null;
}

export interface AttributeValues {
  ORIGIN: Origin;
  AS_PATH: AsPathSegment[];
  NEXT_HOP: number;
  MULTI_EXIT_DISC: number;
  LOCAL_PREF: number;
  ATOMIC_AGGREGATE: true;
  AGGREGATOR: Aggregator;
  COMMUNITIES: number[];
  ORIGINATOR_ID: number;
  CLUSTER_LIST: number[];
  MP_REACH_NLRI: MpReach;
  MP_UNREACH_NLRI: MpUnreach;
  /** 8 bytes per community, as on the wire */
  EXTENDED_COMMUNITIES: Uint8Array;
  AS4_PATH: AsPathSegment[];
  AS4_AGGREGATOR: Aggregator;
  LARGE_COMMUNITY: LargeCommunity[];
}

export type KnownAttributeName = keyof AttributeValues;

export type KnownAttribute = {
  [K in KnownAttributeName]: { name: K; code: number; flags: number; value: AttributeValues[K] };
}[KnownAttributeName];

export interface UnknownAttribute {
  name: 'UNKNOWN';
  code: number;
  flags: number;
  value: Uint8Array;
}

export type PathAttribute = KnownAttribute | UnknownAttribute;

export function findAttribute<K extends KnownAttributeName>(
  attrs: readonly PathAttribute[],
  name: K,
): AttributeValues[K] | undefined {
  for (const a of attrs) if (a.name === name) return a.value as AttributeValues[K];
  return undefined;
}
