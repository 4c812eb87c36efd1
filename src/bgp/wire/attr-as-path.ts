// AS_PATH and AS4_PATH (RFC 4271 §4.3, RFC 6793), plus the 2-octet/4-octet transition.
import { readIpv4 } from '../../net/index.js';
import { AttributeFault, defineAttribute } from './attribute-descriptor.js';
import {
  SEGMENT_TYPE_NAMES,
  SegmentType,
  type Aggregator,
  type AsPathSegment,
  type SegmentTypeCode,
} from './attribute-types.js';
import { AS_TRANS, AttrCode, AttrFlag, UpdateSubcode } from './constants.js';
import type { WireReader } from './reader.js';
import type { ByteWriter } from './writer.js';

/** RFC 7606 §7.2: unknown segment type, zero-length segment or overrun make the path malformed. */
export function decodeAsPathSegments(value: WireReader, asnSize: 2 | 4, what: 'AS_PATH' | 'AS4_PATH'): AsPathSegment[] {
  const r = value.sub(value.remaining, what, MALFORMED[what]);
  const segments: AsPathSegment[] = [];
  while (!r.done) {
    const type = r.u8('segment type');
    const count = r.u8('segment length');
    if (type < 1 || type > 4) r.fail(`unknown segment type ${type}`);
    if (count === 0) r.fail('empty segment');
    const at = r.take(count * asnSize, 'segment AS numbers');
    const b = r.buf;
    const asns = new Array<number>(count);
    for (let i = 0, p = at; i < count; i++, p += asnSize) asns[i] = asnSize === 4 ? readIpv4(b, p) : (b[p]! << 8) | b[p + 1]!; // inside take()'s span
    segments.push({ type: type as SegmentTypeCode, asns });
  }
  return segments;
}

/** RFC 4271 §6.3: a path that does not parse is a Malformed AS_PATH (11). */
function malformedPath(what: string) {
  return (reason: string) => new AttributeFault(UpdateSubcode.MALFORMED_AS_PATH, `${what}: ${reason}`);
}
const MALFORMED = { AS_PATH: malformedPath('AS_PATH'), AS4_PATH: malformedPath('AS4_PATH') };

/** Segments longer than 255 ASNs are written as several segments of the same type. */
export function encodeAsPathSegments(segments: readonly AsPathSegment[], w: ByteWriter, asnSize: 2 | 4): void {
  for (const seg of segments) {
    for (let from = 0; from < seg.asns.length; from += 255) {
      const part = seg.asns.slice(from, from + 255);
      w.u8(seg.type).u8(part.length);
      for (const asn of part) {
        if (asnSize === 4) w.u32(asn);
        else w.u16(asn > 0xffff ? AS_TRANS : asn);
      }
    }
  }
}

const segmentsJSON = (v: AsPathSegment[]) => v.map((s) => ({ type: SEGMENT_TYPE_NAMES[s.type], asns: s.asns }));

export const AS_PATH = defineAttribute({
  code: AttrCode.AS_PATH,
  name: 'AS_PATH',
  flags: AttrFlag.TRANSITIVE,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.2',
  decode: (r, ctx) => decodeAsPathSegments(r, ctx.as4 ? 4 : 2, 'AS_PATH'),
  encode: (v, w, ctx) => encodeAsPathSegments(v, w, ctx.as4 ? 4 : 2),
  toJSON: segmentsJSON,
});

export const AS4_PATH = defineAttribute({
  code: AttrCode.AS4_PATH,
  name: 'AS4_PATH',
  flags: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE,
  onError: 'attribute-discard',
  rule: 'RFC 6793 §6',
  decode(r) {
    // RFC 6793 §6: an AS4_PATH too short to hold one AS number (less than 6 octets) is malformed.
    if (r.remaining < 6) r.fail(`AS4_PATH length ${r.remaining}, less than 6`);
    return decodeAsPathSegments(r, 4, 'AS4_PATH');
  },
  encode: (v, w) => encodeAsPathSegments(v, w, 4),
  toJSON: segmentsJSON,
});

/** RFC 4271 §9.1.2.2 (a) path length: a set counts 1, confederation segments 0 (RFC 5065 §5.3). */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === SegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === SegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 6793 §4.2.3: rebuild the real path from AS_PATH and AS4_PATH received from a
 * 2-octet speaker. When AS_PATH is shorter than AS4_PATH, AS4_PATH is ignored; otherwise
 * the leading AS_PATH entries AS4_PATH does not cover are kept in front of AS4_PATH.
 */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[] | undefined): AsPathSegment[] {
  if (!as4Path) return asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  // Confederation segments in AS4_PATH are not expected (RFC 6793 §3); drop them.
  const as4 = as4Path.filter((s) => s.type === SegmentType.AS_SEQUENCE || s.type === SegmentType.AS_SET);
  const lenPath = countForMerge(asPath);
  const len4 = countForMerge(as4);
  if (lenPath < len4) return asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  let keep = lenPath - len4;
  const out: AsPathSegment[] = [];
  // Confederation segments count 0, so they are taken whenever they lie before the cut: a leading
  // one is kept even when nothing else is (RFC 6793 §4.2.3: "if it is either the leading path
  // segment or is adjacent to a path segment that is prepended").
  for (const seg of asPath) {
    const count = seg.type === SegmentType.AS_SEQUENCE ? seg.asns.length : seg.type === SegmentType.AS_SET ? 1 : 0;
    if (keep < count) {
      if (seg.type === SegmentType.AS_SEQUENCE && keep > 0) out.push({ type: seg.type, asns: seg.asns.slice(0, keep) });
      break;
    }
    out.push({ type: seg.type, asns: [...seg.asns] });
    keep -= count;
  }
  for (const seg of as4) {
    const last = out[out.length - 1];
    // Join sequences that the split left adjacent, so the result matches what a 4-octet path would be.
    if (last && last.type === SegmentType.AS_SEQUENCE && seg.type === SegmentType.AS_SEQUENCE && last.asns.length + seg.asns.length <= 255) {
      last.asns.push(...seg.asns);
    } else {
      out.push({ type: seg.type, asns: [...seg.asns] });
    }
  }
  return out;
}

/** RFC 6793 §4.2.3 counts confederation segments as 0 and sets as 1. */
function countForMerge(segments: readonly AsPathSegment[]): number {
  return asPathLength(segments);
}

/**
 * RFC 6793 §4.2.3: AS4_AGGREGATOR counts only when AGGREGATOR carries AS_TRANS; otherwise
 * both AS4_AGGREGATOR and AS4_PATH are to be ignored. Returns the effective aggregator and
 * whether AS4_PATH may be used.
 */
export function mergeAs4Aggregator(
  aggregator: Aggregator | undefined,
  as4Aggregator: Aggregator | undefined,
): { aggregator: Aggregator | undefined; useAs4Path: boolean } {
  if (!aggregator || !as4Aggregator) return { aggregator, useAs4Path: true };
  if (aggregator.asn !== AS_TRANS) return { aggregator, useAs4Path: false };
  return { aggregator: as4Aggregator, useAs4Path: true };
}

/** True when any ASN needs 4 octets (then a 2-octet session needs AS_TRANS plus AS4_PATH). */
export function hasFourOctetAsn(segments: readonly AsPathSegment[]): boolean {
  return segments.some((s) => s.asns.some((a) => a > 0xffff));
}

/** RFC 6793 §4.2.2: AS4_PATH carries no confederation segments. */
export function as4PathFor(segments: readonly AsPathSegment[]): AsPathSegment[] {
  return segments
    .filter((s) => s.type === SegmentType.AS_SEQUENCE || s.type === SegmentType.AS_SET)
    .map((s) => ({ type: s.type, asns: [...s.asns] }));
}
