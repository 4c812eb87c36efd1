// Fixed-size attributes: ORIGIN, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE,
// AGGREGATOR, AS4_AGGREGATOR, ORIGINATOR_ID, CLUSTER_LIST.
import { formatIpv4, readIpv4 } from './address.js';
import { AttributeFault, defineAttribute } from './attribute-descriptor.js';
import { ORIGIN_NAMES, type Aggregator, type Origin } from './attribute-types.js';
import { AS_TRANS, AttrCode, AttrFlag, UpdateSubcode } from './constants.js';
import type { ByteWriter } from './writer.js';

const WELL_KNOWN = AttrFlag.TRANSITIVE;
const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
const OPTIONAL = AttrFlag.OPTIONAL;

function expectLength(start: number, end: number, want: number, what: string): void {
  if (end - start !== want) {
    throw new AttributeFault(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, `${what} length ${end - start}, expected ${want}`);
  }
}

function readU32(b: Uint8Array, at: number): number {
  return readIpv4(b, at);
}

export const ORIGIN = defineAttribute({
  code: AttrCode.ORIGIN,
  name: 'ORIGIN',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.1',
  decode(b, s, e) {
    expectLength(s, e, 1, 'ORIGIN');
    const v = b[s];
    if (v > 2) throw new AttributeFault(UpdateSubcode.INVALID_ORIGIN, `ORIGIN value ${v} undefined`);
    return v as Origin;
  },
  encode(v, w) {
    w.u8(v);
  },
  toJSON: (v) => ORIGIN_NAMES[v],
});

export const NEXT_HOP = defineAttribute({
  code: AttrCode.NEXT_HOP,
  name: 'NEXT_HOP',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.3',
  decode(b, s, e) {
    expectLength(s, e, 4, 'NEXT_HOP');
    return readIpv4(b, s);
  },
  encode(v, w) {
    w.u32(v);
  },
  toJSON: (v) => formatIpv4(v),
});

export const MULTI_EXIT_DISC = defineAttribute({
  code: AttrCode.MULTI_EXIT_DISC,
  name: 'MULTI_EXIT_DISC',
  flags: OPTIONAL,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.4',
  decode(b, s, e) {
    expectLength(s, e, 4, 'MULTI_EXIT_DISC');
    return readU32(b, s);
  },
  encode(v, w) {
    w.u32(v);
  },
  toJSON: (v) => v,
});

export const LOCAL_PREF = defineAttribute({
  code: AttrCode.LOCAL_PREF,
  name: 'LOCAL_PREF',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.5',
  decode(b, s, e) {
    expectLength(s, e, 4, 'LOCAL_PREF');
    return readU32(b, s);
  },
  encode(v, w) {
    w.u32(v);
  },
  toJSON: (v) => v,
});

export const ATOMIC_AGGREGATE = defineAttribute({
  code: AttrCode.ATOMIC_AGGREGATE,
  name: 'ATOMIC_AGGREGATE',
  flags: WELL_KNOWN,
  onError: 'attribute-discard',
  rule: 'RFC 7606 §7.6',
  decode(_b, s, e) {
    expectLength(s, e, 0, 'ATOMIC_AGGREGATE');
    return true as const;
  },
  encode() {},
  toJSON: () => true,
});

function decodeAggregator(b: Uint8Array, s: number, e: number, fourOctet: boolean, what: string): Aggregator {
  const want = fourOctet ? 8 : 6;
  expectLength(s, e, want, what);
  return fourOctet
    ? { asn: readU32(b, s), address: readIpv4(b, s + 4) }
    : { asn: (b[s] << 8) | b[s + 1], address: readIpv4(b, s + 2) };
}

function encodeAggregator(v: Aggregator, w: ByteWriter, fourOctet: boolean): void {
  if (fourOctet) w.u32(v.asn);
  else w.u16(v.asn > 0xffff ? AS_TRANS : v.asn);
  w.u32(v.address);
}

const aggregatorJSON = (v: Aggregator) => ({ asn: v.asn, address: formatIpv4(v.address) });

export const AGGREGATOR = defineAttribute({
  code: AttrCode.AGGREGATOR,
  name: 'AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'attribute-discard',
  rule: 'RFC 7606 §7.7',
  decode: (b, s, e, ctx) => decodeAggregator(b, s, e, ctx.as4, 'AGGREGATOR'),
  encode: (v, w, ctx) => encodeAggregator(v, w, ctx.as4),
  toJSON: aggregatorJSON,
});

export const AS4_AGGREGATOR = defineAttribute({
  code: AttrCode.AS4_AGGREGATOR,
  name: 'AS4_AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'attribute-discard',
  rule: 'RFC 6793 §6',
  decode: (b, s, e) => decodeAggregator(b, s, e, true, 'AS4_AGGREGATOR'),
  encode: (v, w) => encodeAggregator(v, w, true),
  toJSON: aggregatorJSON,
});

export const ORIGINATOR_ID = defineAttribute({
  code: AttrCode.ORIGINATOR_ID,
  name: 'ORIGINATOR_ID',
  flags: OPTIONAL,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.9',
  decode(b, s, e) {
    expectLength(s, e, 4, 'ORIGINATOR_ID');
    return readIpv4(b, s);
  },
  encode(v, w) {
    w.u32(v);
  },
  toJSON: (v) => formatIpv4(v),
});

export const CLUSTER_LIST = defineAttribute({
  code: AttrCode.CLUSTER_LIST,
  name: 'CLUSTER_LIST',
  flags: OPTIONAL,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.10',
  decode(b, s, e) {
    const len = e - s;
    if (len === 0 || len % 4 !== 0) {
      throw new AttributeFault(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, `CLUSTER_LIST length ${len} is not a non-zero multiple of 4`);
    }
    const ids: number[] = [];
    for (let p = s; p < e; p += 4) ids.push(readIpv4(b, p));
    return ids;
  },
  encode(v, w) {
    for (const id of v) w.u32(id);
  },
  toJSON: (v) => v.map(formatIpv4),
});
