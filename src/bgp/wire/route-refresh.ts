// ROUTE-REFRESH (RFC 2918 §3) with the RFC 7313 §3 message subtypes.
import { HEADER_LENGTH, MessageType } from './constants.js';

export const RefreshSubtype = { NORMAL: 0, BEGIN: 1, END: 2 } as const;
export const REFRESH_SUBTYPE_NAMES: Record<number, string> = { 0: 'normal', 1: 'BoRR', 2: 'EoRR' };

export interface RouteRefreshMessage {
  type: 'ROUTE-REFRESH';
  afi: number;
  safi: number;
  subtype: number;
}

export function decodeRouteRefreshBody(buf: Uint8Array, start: number): RouteRefreshMessage {
  return { type: 'ROUTE-REFRESH', afi: (buf[start] << 8) | buf[start + 1], subtype: buf[start + 2], safi: buf[start + 3] };
}

export function encodeRouteRefresh(afi: number, safi: number, subtype = 0): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + 4);
  out.fill(0xff, 0, 16);
  out[17] = out.length;
  out[18] = MessageType.ROUTE_REFRESH;
  out[19] = afi >>> 8;
  out[20] = afi & 0xff;
  out[21] = subtype;
  out[22] = safi;
  return out;
}
