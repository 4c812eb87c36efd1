// fast-check arbitraries for every path attribute necod knows, plus unknown optional ones, and
// for attribute sets that make a valid UPDATE under a given session context.
import fc from 'fast-check';
import {
  AttrCode,
  AttrFlag,
  attributeDescriptor,
  makeAttribute,
  type AsPathSegment,
  type CodecContext,
  type MpReach,
  type MpUnreach,
  type PathAttribute,
  type SegmentTypeCode,
} from '../../src/bgp/wire/index.js';
import { formatIpv4, formatIpv6 } from '../../src/net/index.js';
import { ipv4ListArb, ipv6ListArb, u16, u32, u8 } from './prefix-arbitraries.js';

const segmentType = fc.constantFrom<SegmentTypeCode>(1, 2, 3, 4);

/** Segments of 1..12 ASNs, now and then more than 255 (which the encoder splits). */
export function segmentsArb(asn: fc.Arbitrary<number>, minLength: number): fc.Arbitrary<AsPathSegment[]> {
  const asns = fc.oneof(
    { weight: 20, arbitrary: fc.array(asn, { minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.array(asn, { minLength: 256, maxLength: 300 }) },
  );
  return fc.array(fc.record({ type: segmentType, asns }), { minLength, maxLength: 4 });
}

const ipv6Text = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b));
const linkLocalText = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => formatIpv6(Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, ...b)));
const ipv4Text = u32.map(formatIpv4);
const ipv6NextHops = fc.oneof(
  fc.tuple(ipv6Text).map((h) => [...h]),
  fc.tuple(ipv6Text, linkLocalText).map((h) => [...h]),
);

/** AFI/SAFI pairs necod does not decode: their next hop and NLRI stay raw bytes. */
const otherFamily = fc.record({ afi: fc.constantFrom(1, 2, 25, 16388), safi: fc.constantFrom(2, 4, 70, 128, 133) });
const rawBytes = (maxLength: number) => fc.uint8Array({ maxLength });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function mpReachArb(ctx: CodecContext): fc.Arbitrary<MpReach> {
  return fc.oneof(
    fc.record({ nextHops: ipv6NextHops, nlri: ipv6ListArb({ addPath: ctx.addPath.ipv6, maxLength: 20 }) }).map((v) => ({ afi: 2, safi: 1, ...v, rawNlri: null })),
    fc
      .record({ nextHops: fc.oneof(fc.tuple(ipv4Text).map((h) => [...h]), ipv6NextHops), nlri: ipv4ListArb({ addPath: ctx.addPath.ipv4, maxLength: 20 }) })
      .map((v) => ({ afi: 1, safi: 1, ...v, rawNlri: null })),
    fc.record({ family: otherFamily, nextHop: rawBytes(24), rawNlri: rawBytes(40) }).map((v) => ({ ...v.family, nextHops: [hex(v.nextHop)], nlri: null, rawNlri: v.rawNlri })),
  );
}

export function mpUnreachArb(ctx: CodecContext): fc.Arbitrary<MpUnreach> {
  return fc.oneof(
    ipv6ListArb({ addPath: ctx.addPath.ipv6, maxLength: 20 }).map((withdrawn) => ({ afi: 2, safi: 1, withdrawn, rawWithdrawn: null })),
    ipv4ListArb({ addPath: ctx.addPath.ipv4, maxLength: 20 }).map((withdrawn) => ({ afi: 1, safi: 1, withdrawn, rawWithdrawn: null })),
    fc.record({ family: otherFamily, raw: rawBytes(40) }).map((v) => ({ ...v.family, withdrawn: null, rawWithdrawn: v.raw })),
  );
}

/** ASNs that fit the session: a 2-octet session carries only 2-octet ones in AS_PATH and AGGREGATOR. */
const asnFor = (ctx: CodecContext) => (ctx.as4 ? u32 : u16);

/** One arbitrary per known attribute, each value as the decoder returns it. */
export function knownAttributeArbs(ctx: CodecContext): fc.Arbitrary<PathAttribute>[] {
  const asn = asnFor(ctx);
  const aggregator = fc.record({ asn, address: u32 });
  return [
    fc.constantFrom<0 | 1 | 2>(0, 1, 2).map((v) => makeAttribute('ORIGIN', v)),
    segmentsArb(asn, 0).map((v) => makeAttribute('AS_PATH', v)),
    // RFC 4271 §6.3: a host address (not 0/8, 127/8 or 224/3), else the NEXT_HOP is invalid.
    u32.filter((v) => v >>> 24 !== 0 && v >>> 24 !== 127 && v >>> 24 < 224).map((v) => makeAttribute('NEXT_HOP', v)),
    u32.map((v) => makeAttribute('MULTI_EXIT_DISC', v)),
    u32.map((v) => makeAttribute('LOCAL_PREF', v)),
    fc.constant(makeAttribute('ATOMIC_AGGREGATE', true)),
    aggregator.map((v) => makeAttribute('AGGREGATOR', v)),
    fc.array(u32, { minLength: 1, maxLength: 10 }).map((v) => makeAttribute('COMMUNITIES', v)),
    u32.map((v) => makeAttribute('ORIGINATOR_ID', v)),
    fc.array(u32, { minLength: 1, maxLength: 6 }).map((v) => makeAttribute('CLUSTER_LIST', v)),
    mpReachArb(ctx).map((v) => makeAttribute('MP_REACH_NLRI', v)),
    mpUnreachArb(ctx).map((v) => makeAttribute('MP_UNREACH_NLRI', v)),
    fc
      .array(fc.uint8Array({ minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 5 })
      .map((cs) => makeAttribute('EXTENDED_COMMUNITIES', Uint8Array.from(cs.flatMap((c) => [...c])))),
    segmentsArb(u32, 1).map((v) => makeAttribute('AS4_PATH', v)),
    fc.record({ asn: u32, address: u32 }).map((v) => makeAttribute('AS4_AGGREGATOR', v)),
    fc.array(fc.tuple(u32, u32, u32), { minLength: 1, maxLength: 5 }).map((v) => makeAttribute('LARGE_COMMUNITY', v)),
  ];
}

/** Type codes necod has no descriptor for. */
const unknownCode = u8.filter((c) => c !== 0 && attributeDescriptor(c) === undefined);

/** Unknown optional attributes, transitive or not, with or without the Partial bit, now and then longer than 255. */
export const unknownAttributeArb: fc.Arbitrary<PathAttribute> = fc
  .record({
    code: unknownCode,
    flags: fc.constantFrom(AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE, AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE | AttrFlag.PARTIAL, AttrFlag.OPTIONAL),
    value: fc.oneof({ weight: 10, arbitrary: rawBytes(40) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 256, maxLength: 400 }) }),
  })
  .map((a) => ({ name: 'UNKNOWN', ...a }));

/** Sets the Extended Length bit now and then (the encoder keeps it), and Partial on optional transitive ones. */
function withFlagVariants(a: fc.Arbitrary<PathAttribute>): fc.Arbitrary<PathAttribute> {
  return fc.tuple(a, fc.boolean(), fc.boolean()).map(([attr, extended, partial]) => {
    let flags = attr.flags;
    if (extended) flags |= AttrFlag.EXTENDED_LENGTH;
    if (partial && (flags & (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) === (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) flags |= AttrFlag.PARTIAL;
    return { ...attr, flags } as PathAttribute;
  });
}

/** RFC 6793 §3: AS4_PATH and AS4_AGGREGATOR travel on 2-octet sessions only; a 4-octet one discards them. */
export function sessionCarries(a: PathAttribute, ctx: CodecContext): boolean {
  return !ctx.as4 || (a.name !== 'AS4_PATH' && a.name !== 'AS4_AGGREGATOR');
}

/** Any one attribute, known or unknown. */
export function attributeArb(ctx: CodecContext): fc.Arbitrary<PathAttribute> {
  return withFlagVariants(fc.oneof(...knownAttributeArbs(ctx), unknownAttributeArb)).filter((a) => sessionCarries(a, ctx));
}

/**
 * A list of distinct attributes in random wire order. When `reachable` says the UPDATE announces
 * routes, ORIGIN and AS_PATH are there, and NEXT_HOP too when `ipv4Nlri` (RFC 4271 §5, RFC 4760 §3).
 */
export function attributeSetArb(ctx: CodecContext): fc.Arbitrary<PathAttribute[]> {
  const known = knownAttributeArbs(ctx).map((a) => fc.option(withFlagVariants(a), { freq: 2 }));
  const unknown = fc.uniqueArray(withFlagVariants(unknownAttributeArb), { maxLength: 2, selector: (a) => a.code });
  return fc
    .tuple(fc.tuple(...known), unknown)
    .map(([k, u]) => [...k.filter((a): a is PathAttribute => a !== null && sessionCarries(a, ctx)), ...u])
    .chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));
}

/** Adds what a route announcement must carry, in front, when it is missing. */
export function withMandatory(attrs: PathAttribute[], ipv4Nlri: boolean): PathAttribute[] {
  const has = (code: number) => attrs.some((a) => a.code === code);
  const mpReach = attrs.find((a) => a.name === 'MP_REACH_NLRI');
  const mpAnnounces = mpReach?.name === 'MP_REACH_NLRI' && ((mpReach.value.nlri?.count ?? 0) > 0 || (mpReach.value.rawNlri?.length ?? 0) > 0);
  if (!ipv4Nlri && !mpAnnounces) return attrs;
  const add: PathAttribute[] = [];
  if (!has(AttrCode.ORIGIN)) add.push(makeAttribute('ORIGIN', 0));
  if (!has(AttrCode.AS_PATH)) add.push(makeAttribute('AS_PATH', []));
  if (ipv4Nlri && !has(AttrCode.NEXT_HOP)) add.push(makeAttribute('NEXT_HOP', 0xc0000201));
  return [...add, ...attrs];
}
