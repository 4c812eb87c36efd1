// MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 §3, §4). Their errors always reset the
// session: once the NLRI cannot be parsed, no route can be withdrawn reliably (RFC 7606 §7.11).
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../net/index.js';
import { AttributeFault, defineAttribute } from './attribute-descriptor.js';
import type { MpReach, MpUnreach } from './attribute-types.js';
import { Afi, AttrCode, AttrFlag, UpdateSubcode, familyOf } from './constants.js';
import type { CodecContext } from './context.js';
import { decodePrefixes, formatPrefix, type PrefixList } from './prefix.js';
import type { WireReader } from './reader.js';
import { writePrefix, prefixWireSize } from './prefix.js';
import type { ByteWriter } from './writer.js';

function reset(reason: string): AttributeFault {
  return new AttributeFault(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, reason, 'session-reset');
}
const resetFor = (what: string) => (reason: string) => reset(`${what}: ${reason}`);
const RESET = { MP_REACH_NLRI: resetFor('MP_REACH_NLRI'), MP_UNREACH_NLRI: resetFor('MP_UNREACH_NLRI') };

/** The NLRI of a family necod reads (what `r` has left), or null for another family. */
function decodeNlriFor(afi: number, safi: number, r: WireReader, ctx: CodecContext, what: keyof typeof RESET): PrefixList | null {
  const family = familyOf(afi, safi);
  if (!family) return null;
  return decodePrefixes(afi, r.sub(r.remaining, what, RESET[what]), ctx.addPath[family]);
}

function decodeNextHops(afi: number, r: WireReader): string[] {
  const len = r.remaining;
  if (afi === Afi.IPV4 && len === 4) return [formatIpv4(r.u32('next hop'))];
  // IPv6 next hops, for IPv6 NLRI (RFC 2545 §3) or IPv4 NLRI (RFC 8950 §3).
  if ((afi === Afi.IPV6 || afi === Afi.IPV4) && (len === 16 || len === 32)) {
    const hops = [formatIpv6(r.buf, r.take(16, 'global next hop'))];
    if (len === 32) hops.push(formatIpv6(r.buf, r.take(16, 'link-local next hop')));
    return hops;
  }
  return r.fail(`next hop length ${len} does not fit AFI ${afi}`);
}

export const MP_REACH_NLRI = defineAttribute({
  code: AttrCode.MP_REACH_NLRI,
  name: 'MP_REACH_NLRI',
  flags: AttrFlag.OPTIONAL,
  onError: 'session-reset',
  rule: 'RFC 7606 §7.11',
  decode(value, ctx): MpReach {
    const r = value.sub(value.remaining, 'MP_REACH_NLRI', RESET.MP_REACH_NLRI);
    const afi = r.u16('AFI');
    const safi = r.u8('SAFI');
    const hops = r.sub(r.u8('next hop length'), 'next hop');
    r.take(1, 'reserved octet'); // RFC 4760 §3
    const family = familyOf(afi, safi);
    const nextHops = family ? decodeNextHops(afi, hops) : [Buffer.from(hops.rest()).toString('hex')];
    const nlri = decodeNlriFor(afi, safi, r, ctx, 'MP_REACH_NLRI');
    return { afi, safi, nextHops, nlri, rawNlri: nlri ? null : r.rest() };
  },
  encode(v, w, ctx) {
    w.u16(v.afi).u8(v.safi);
    const lenAt = w.skip(1);
    const before = w.length;
    for (const hop of v.nextHops) {
      const v4 = parseIpv4(hop);
      if (v4 !== null && v.nextHops.length === 1 && v.afi === Afi.IPV4) {
        w.u32(v4);
        continue;
      }
      const v6 = parseIpv6(hop);
      if (v6) w.bytes(v6);
      else w.bytes(Buffer.from(hop, 'hex'));
    }
    w.setU8(lenAt, w.length - before);
    w.u8(0);
    if (v.nlri) writePrefixList(v.nlri, w, ctx);
    else if (v.rawNlri) w.bytes(v.rawNlri);
  },
  toJSON(v) {
    return {
      afi: v.afi,
      safi: v.safi,
      next_hops: v.nextHops,
      nlri: v.nlri ? prefixesJSON(v.nlri) : Buffer.from(v.rawNlri ?? []).toString('hex'),
    };
  },
});

export const MP_UNREACH_NLRI = defineAttribute({
  code: AttrCode.MP_UNREACH_NLRI,
  name: 'MP_UNREACH_NLRI',
  flags: AttrFlag.OPTIONAL,
  onError: 'session-reset',
  rule: 'RFC 7606 §7.11',
  decode(value, ctx): MpUnreach {
    const r = value.sub(value.remaining, 'MP_UNREACH_NLRI', RESET.MP_UNREACH_NLRI);
    const afi = r.u16('AFI');
    const safi = r.u8('SAFI');
    const withdrawn = decodeNlriFor(afi, safi, r, ctx, 'MP_UNREACH_NLRI');
    return { afi, safi, withdrawn, rawWithdrawn: withdrawn ? null : r.rest() };
  },
  encode(v, w, ctx) {
    w.u16(v.afi).u8(v.safi);
    if (v.withdrawn) writePrefixList(v.withdrawn, w, ctx);
    else if (v.rawWithdrawn) w.bytes(v.rawWithdrawn);
  },
  toJSON(v) {
    return {
      afi: v.afi,
      safi: v.safi,
      withdrawn: v.withdrawn ? prefixesJSON(v.withdrawn) : Buffer.from(v.rawWithdrawn ?? []).toString('hex'),
    };
  },
});

export function writePrefixList(list: PrefixList, w: ByteWriter, ctx: CodecContext): void {
  const addPath = ctx.addPath[list.afi === 1 ? 'ipv4' : 'ipv6'];
  let size = 0;
  for (let i = 0; i < list.count; i++) size += prefixWireSize(list, i, addPath);
  const at = w.skip(size);
  const out = w.view();
  let pos = at;
  for (let i = 0; i < list.count; i++) pos = writePrefix(list, i, addPath, out, pos);
}

/** Prefixes as strings, or {prefix, path_id} objects when the list carries path ids. */
export function prefixesJSON(list: PrefixList): Array<string | { prefix: string; path_id: number }> {
  const out: Array<string | { prefix: string; path_id: number }> = [];
  for (let i = 0; i < list.count; i++) {
    const prefix = formatPrefix(list, i);
    out.push(list.pathIds ? { prefix, path_id: list.pathIds[i] ?? 0 } : prefix);
  }
  return out;
}
