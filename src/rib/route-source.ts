// Where a route came from: a BGP neighbor or a local origin (interfaces, static, kernel
// table, API). The decision process compares sources as well as attributes.
import { toHex } from '../bgp/wire/index.js';
import { parseAddress } from '../net/index.js';

export type SourceKind = 'bgp' | 'direct' | 'static' | 'kernel' | 'api';

export interface RouteSource {
  /** Small integer, the source's slot in the RIB. */
  index: number;
  name: string;
  kind: SourceKind;
  /** BGP: the neighbor is in our AS. */
  ibgp: boolean;
  /** Between protocols, as BIRD's protocol preference: local origins beat BGP. */
  preference: number;
  /** The neighbor's BGP Identifier (0 for local origins). */
  routerId: number;
  /** The neighbor's address as text ('' for local origins). */
  peerAddress: string;
  /** A string that sorts like the address numerically (RFC 4271 §9.1.2.2 (g)). */
  peerAddressOrder: string;
  /** The neighbor's AS (0 for local origins). */
  peerAs: number;
}

export const LOCAL_PREFERENCE = 200;
export const BGP_PREFERENCE = 100;

/** 32 hex digits, IPv4 in its IPv4-mapped form, so both sort numerically together. */
export function addressOrder(address: string): string {
  if (!address) return '';
  const a = parseAddress(address.split('%')[0] ?? '');
  if (a === null) return address;
  return typeof a === 'number' ? `00000000000000000000ffff${a.toString(16).padStart(8, '0')}` : toHex(a);
}

export function localSource(index: number, name: string, kind: Exclude<SourceKind, 'bgp'>): RouteSource {
  return { index, name, kind, ibgp: false, preference: LOCAL_PREFERENCE, routerId: 0, peerAddress: '', peerAddressOrder: '', peerAs: 0 };
}
