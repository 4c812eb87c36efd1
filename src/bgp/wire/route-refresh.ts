// ROUTE-REFRESH (RFC 2918 §3) with the RFC 7313 §3 message subtypes and, for a normal
// request, the Outbound Route Filters of RFC 5291 §4 after the fixed part.
import { HEADER_LENGTH, MessageType } from './constants.js';
import { refreshLengthError } from './errors.js';
import { WireReader, shortBody } from './reader.js';
import { decodeRefreshOrf, encodeRefreshOrf, type RefreshOrf } from './orf.js';
import { ByteWriter } from './writer.js';

export const RefreshSubtype = { NORMAL: 0, BEGIN: 1, END: 2 } as const;
export const REFRESH_SUBTYPE_NAMES: Record<number, string> = { 0: 'normal', 1: 'BoRR', 2: 'EoRR' };

export interface RouteRefreshMessage {
  type: 'ROUTE-REFRESH';
  afi: number;
  safi: number;
  subtype: number;
  /** RFC 5291 §4: filters sent with a normal request; null when the message has none. */
  orf: RefreshOrf | null;
}

/** Decodes the body buf[start, end); throws WireError for a BoRR/EoRR of the wrong length. */
export function decodeRouteRefreshBody(buf: Uint8Array, start: number, end: number, messageStart: number): RouteRefreshMessage {
  const r = new WireReader(buf, start, end, shortBody);
  const afi = r.u16('AFI');
  const subtype = r.u8('message subtype');
  const safi = r.u8('SAFI');
  if (!r.done && (subtype === RefreshSubtype.BEGIN || subtype === RefreshSubtype.END)) {
    // RFC 7313 §5: the length rule is for subtypes 1 and 2; data is the whole erroneous message.
    throw refreshLengthError(buf.slice(messageStart, end), `ROUTE-REFRESH ${REFRESH_SUBTYPE_NAMES[subtype]} length ${end - messageStart}`);
  }
  // A normal request may carry ORF entries (RFC 5291 §4); bytes after a reserved subtype are
  // left alone, as the whole message is ignored (RFC 7313 §5).
  const orf = !r.done && subtype === RefreshSubtype.NORMAL ? decodeRefreshOrf(r, afi) : null;
  return { type: 'ROUTE-REFRESH', afi, subtype, safi, orf };
}

export function encodeRouteRefresh(afi: number, safi: number, subtype = 0, orf: RefreshOrf | null = null): Uint8Array {
  const w = new ByteWriter(64);
  w.skip(16);
  const lenAt = w.skip(2);
  w.u8(MessageType.ROUTE_REFRESH).u16(afi).u8(subtype).u8(safi);
  if (orf) encodeRefreshOrf(orf, w);
  w.setU16(lenAt, w.length);
  const out = w.finish();
  out.fill(0xff, 0, 16);
  if (out.length < HEADER_LENGTH + 4) throw new RangeError('short ROUTE-REFRESH');
  return out;
}
