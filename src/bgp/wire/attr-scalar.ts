// Fixed-size attributes: ORIGIN, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE,
// AGGREGATOR, AS4_AGGREGATOR, ORIGINATOR_ID, CLUSTER_LIST. The four that are one 32-bit
// number share u32Attribute.
import { formatIpv4 } from '../../net/index.js';
import { AttributeFault, defineAttribute } from './attribute-descriptor.js';
import { ORIGIN_NAMES, type Aggregator, type AttributeValues, type Origin } from './attribute-types.js';
import { AS_TRANS, AttrCode, AttrFlag, UpdateSubcode } from './constants.js';
import type { WireReader } from './reader.js';
import type { ByteWriter } from './writer.js';

const WELL_KNOWN = AttrFlag.TRANSITIVE;
const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
const OPTIONAL = AttrFlag.OPTIONAL;

/** The attributes that are one 32-bit number: NEXT_HOP, MED, LOCAL_PREF, ORIGINATOR_ID. */
function u32Attribute<K extends 'NEXT_HOP' | 'MULTI_EXIT_DISC' | 'LOCAL_PREF' | 'ORIGINATOR_ID'>(d: {
  code: number;
  name: K;
  flags: number;
  rule: string;
  toJSON(v: number): unknown;
  /** Throws AttributeFault for a value the attribute's RFC forbids. */
  check?(v: number): void;
}) {
  return defineAttribute<K>({
    code: d.code,
    name: d.name,
    flags: d.flags,
    rule: d.rule,
    onError: 'treat-as-withdraw',
    decode(r) {
      r.expectLength(4, d.name);
      const v = r.u32(d.name);
      d.check?.(v);
      return v as AttributeValues[K];
    },
    encode(v, w) {
      w.u32(v as number);
    },
    toJSON: (v) => d.toJSON(v as number),
  });
}

export const ORIGIN = defineAttribute({
  code: AttrCode.ORIGIN,
  name: 'ORIGIN',
  flags: WELL_KNOWN,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.1',
  decode(r) {
    r.expectLength(1, 'ORIGIN');
    const v = r.u8('ORIGIN');
    if (v > 2) throw new AttributeFault(UpdateSubcode.INVALID_ORIGIN, `ORIGIN value ${v} undefined`);
    return v as Origin;
  },
  encode(v, w) {
    w.u8(v);
  },
  toJSON: (v) => ORIGIN_NAMES[v],
});

/**
 * RFC 4271 §6.3: a NEXT_HOP must be a valid host address: not in 0/8, or multicast and reserved
 * space (224/3). RFC 7606 §7.3 makes that treat-as-withdraw (3/8). 127/8 is accepted: a speaker
 * on the same host (MetalLB over a loopback session) legitimately names a loopback next hop.
 */
function checkNextHop(v: number): void {
  const first = v >>> 24;
  if (first === 0 || first >= 224) throw new AttributeFault(UpdateSubcode.INVALID_NEXT_HOP, `NEXT_HOP ${formatIpv4(v)} is not a host address`);
}

export const NEXT_HOP = u32Attribute({ code: AttrCode.NEXT_HOP, name: 'NEXT_HOP', flags: WELL_KNOWN, rule: 'RFC 7606 §7.3', toJSON: formatIpv4, check: checkNextHop });
export const MULTI_EXIT_DISC = u32Attribute({ code: AttrCode.MULTI_EXIT_DISC, name: 'MULTI_EXIT_DISC', flags: OPTIONAL, rule: 'RFC 7606 §7.4', toJSON: (v) => v });
export const LOCAL_PREF = u32Attribute({ code: AttrCode.LOCAL_PREF, name: 'LOCAL_PREF', flags: WELL_KNOWN, rule: 'RFC 7606 §7.5', toJSON: (v) => v });
export const ORIGINATOR_ID = u32Attribute({ code: AttrCode.ORIGINATOR_ID, name: 'ORIGINATOR_ID', flags: OPTIONAL, rule: 'RFC 7606 §7.9', toJSON: formatIpv4 });

export const ATOMIC_AGGREGATE = defineAttribute({
  code: AttrCode.ATOMIC_AGGREGATE,
  name: 'ATOMIC_AGGREGATE',
  flags: WELL_KNOWN,
  onError: 'attribute-discard',
  rule: 'RFC 7606 §7.6',
  decode(r) {
    r.expectLength(0, 'ATOMIC_AGGREGATE');
    return true as const;
  },
  encode() {},
  toJSON: () => true,
});

function decodeAggregator(r: WireReader, fourOctet: boolean, what: string): Aggregator {
  r.expectLength(fourOctet ? 8 : 6, what);
  const asn = fourOctet ? r.u32(`${what} AS`) : r.u16(`${what} AS`);
  return { asn, address: r.u32(`${what} address`) };
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
  decode: (r, ctx) => decodeAggregator(r, ctx.as4, 'AGGREGATOR'),
  encode: (v, w, ctx) => encodeAggregator(v, w, ctx.as4),
  toJSON: aggregatorJSON,
});

export const AS4_AGGREGATOR = defineAttribute({
  code: AttrCode.AS4_AGGREGATOR,
  name: 'AS4_AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'attribute-discard',
  rule: 'RFC 6793 §6',
  decode: (r) => decodeAggregator(r, true, 'AS4_AGGREGATOR'),
  encode: (v, w) => encodeAggregator(v, w, true),
  toJSON: aggregatorJSON,
});

export const CLUSTER_LIST = defineAttribute({
  code: AttrCode.CLUSTER_LIST,
  name: 'CLUSTER_LIST',
  flags: OPTIONAL,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.10',
  decode(r) {
    if (r.done || r.remaining % 4 !== 0) r.fail(`CLUSTER_LIST length ${r.remaining} is not a non-zero multiple of 4`);
    const ids: number[] = [];
    while (!r.done) ids.push(r.u32('CLUSTER_LIST id'));
    return ids;
  },
  encode(v, w) {
    for (const id of v) w.u32(id);
  },
  toJSON: (v) => v.map(formatIpv4),
});
