// Path attribute values (RFC 4271 §4.3, §5) and their RFC 7606 §7 error handling, MP_REACH_NLRI /
// MP_UNREACH_NLRI (RFC 4760), End-of-RIB (RFC 4724 §2) and ADD-PATH (RFC 7911).
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeEndOfRib,
  encodeMessage,
  endOfRibFamily,
  formatPrefixes,
  makeContext,
  toHex,
  type CodecContext,
  type PathAttribute,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { AS_PATH_2, AS_PATH_4, MANDATORY_2, MANDATORY_4, NLRI_10_0_0, ORIGIN_IGP, attr, expectMessage, update } from './bytes.js';

function decodeUpdate(bytes: Uint8Array, ctx: CodecContext, outcome: 'ok' | 'treat-as-withdraw' | 'attribute-discard' = 'ok') {
  const r = expectMessage(decodeMessage(bytes, ctx), outcome);
  if (r.message.type !== 'UPDATE') throw new Error('not an UPDATE');
  return { ...r, update: r.message as UpdateMessage };
}

function find(msg: UpdateMessage, name: PathAttribute['name']): PathAttribute | undefined {
  return msg.attributes.find((a) => a.name === name);
}

describe('attribute values', () => {
  it('decodes every known attribute on a 4-octet session and writes the same bytes back', () => {
    const attributes = [
      attr(0x40, 1, '01'),
      attr(0x40, 2, '02 02 0000fde9 fa56ea01 01 02 00000001 00000002'),
      attr(0x40, 3, 'c0000201'),
      attr(0x80, 4, '00000064'),
      attr(0x40, 5, '000000c8'),
      attr(0x40, 6, ''),
      attr(0xc0, 7, 'fa56ea01 c0000202'),
      attr(0xc0, 8, 'ffffff01 fde90064'),
      attr(0x80, 9, '0a000009'),
      attr(0x80, 10, '0a00000a 0a00000b'),
      attr(0xc0, 16, '0002fde900000064'),
      attr(0xc0, 32, 'fa56ea01 00000001 00000002'),
    ].join('');
    const bytes = update({ attributes, nlri: NLRI_10_0_0 });
    const { update: msg } = decodeUpdate(bytes, AS4_CONTEXT);
    expect(Object.fromEntries(msg.attributes.map((a) => [a.name, a.value]))).toEqual({
      ORIGIN: 1,
      AS_PATH: [
        { type: 2, asns: [65001, 4200000001] },
        { type: 1, asns: [1, 2] },
      ],
      NEXT_HOP: 0xc0000201,
      MULTI_EXIT_DISC: 100,
      LOCAL_PREF: 200,
      ATOMIC_AGGREGATE: true,
      AGGREGATOR: { asn: 4200000001, address: 0xc0000202 },
      COMMUNITIES: [0xffffff01, 0xfde90064],
      ORIGINATOR_ID: 0x0a000009,
      CLUSTER_LIST: [0x0a00000a, 0x0a00000b],
      EXTENDED_COMMUNITIES: Uint8Array.from(Buffer.from('0002fde900000064', 'hex')),
      LARGE_COMMUNITY: [[4200000001, 1, 2]],
    });
    expect(toHex(encodeMessage(msg, AS4_CONTEXT))).toBe(toHex(bytes));
  });

  it('reads AS4_PATH and AS4_AGGREGATOR on a 2-octet session', () => {
    const attributes = MANDATORY_2 + attr(0xc0, 7, '5ba0 c0000202') + attr(0xc0, 17, '02 01 fa56ea01') + attr(0xc0, 18, 'fa56ea01 c0000202');
    const bytes = update({ attributes, nlri: NLRI_10_0_0 });
    const { update: msg } = decodeUpdate(bytes, DEFAULT_CONTEXT);
    expect(find(msg, 'AGGREGATOR')?.value).toEqual({ asn: 23456, address: 0xc0000202 });
    expect(find(msg, 'AS4_PATH')?.value).toEqual([{ type: 2, asns: [4200000001] }]);
    expect(find(msg, 'AS4_AGGREGATOR')?.value).toEqual({ asn: 4200000001, address: 0xc0000202 });
    expect(toHex(encodeMessage(msg, DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });
});

interface MalformedCase {
  what: string;
  attribute: string;
  outcome: 'treat-as-withdraw' | 'attribute-discard';
  subcode: number;
  ctx?: CodecContext;
}

const MALFORMED: MalformedCase[] = [
  { what: 'ORIGIN of length 2 (§7.1)', attribute: attr(0x40, 1, '0000'), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'ORIGIN value 3 (§7.1)', attribute: attr(0x40, 1, '03'), outcome: 'treat-as-withdraw', subcode: 6 },
  { what: 'AS_PATH segment overrun (§7.2)', attribute: attr(0x40, 2, '02 03 fde9 fdea'), outcome: 'treat-as-withdraw', subcode: 11 },
  { what: 'AS_PATH zero-length segment (§7.2)', attribute: attr(0x40, 2, '02 00'), outcome: 'treat-as-withdraw', subcode: 11 },
  { what: 'AS_PATH unknown segment type 5 (§7.2)', attribute: attr(0x40, 2, '05 01 fde9'), outcome: 'treat-as-withdraw', subcode: 11 },
  { what: 'AS_PATH segment type 0 (§7.2)', attribute: attr(0x40, 2, '00 01 fde9'), outcome: 'treat-as-withdraw', subcode: 11 },
  { what: 'AS_PATH with one octet after the last segment (§7.2)', attribute: attr(0x40, 2, '02 01 fde9 02'), outcome: 'treat-as-withdraw', subcode: 11 },
  { what: 'NEXT_HOP of length 5 (§7.3)', attribute: attr(0x40, 3, 'c000020100'), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'MULTI_EXIT_DISC of length 3 (§7.4)', attribute: attr(0x80, 4, '000064'), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'LOCAL_PREF of length 5 (§7.5)', attribute: attr(0x40, 5, '0000006400'), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'ATOMIC_AGGREGATE of length 1 (§7.6)', attribute: attr(0x40, 6, '00'), outcome: 'attribute-discard', subcode: 5 },
  { what: 'AGGREGATOR of length 7 on a 2-octet session (§7.7)', attribute: attr(0xc0, 7, 'fde9 c0000201 00'), outcome: 'attribute-discard', subcode: 5 },
  { what: 'AGGREGATOR of length 8 on a 2-octet session (§7.7)', attribute: attr(0xc0, 7, '0000fde9 c0000201'), outcome: 'attribute-discard', subcode: 5 },
  { what: 'AGGREGATOR of length 6 on a 4-octet session (§7.7)', attribute: attr(0xc0, 7, 'fde9 c0000201'), outcome: 'attribute-discard', subcode: 5, ctx: AS4_CONTEXT },
  { what: 'COMMUNITIES of length 5 (§7.8)', attribute: attr(0xc0, 8, 'ffffff0100'), outcome: 'treat-as-withdraw', subcode: 9 },
  { what: 'COMMUNITIES of length 0 (§7.8)', attribute: attr(0xc0, 8, ''), outcome: 'treat-as-withdraw', subcode: 9 },
  { what: 'ORIGINATOR_ID of length 3 (§7.9)', attribute: attr(0x80, 9, '0a0000'), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'CLUSTER_LIST of length 6 (§7.10)', attribute: attr(0x80, 10, '0a0000010a00'), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'CLUSTER_LIST of length 0 (§7.10)', attribute: attr(0x80, 10, ''), outcome: 'treat-as-withdraw', subcode: 5 },
  { what: 'EXTENDED_COMMUNITIES of length 7 (§7.14)', attribute: attr(0xc0, 16, '0002fde9000000'), outcome: 'treat-as-withdraw', subcode: 9 },
  { what: 'EXTENDED_COMMUNITIES of length 0 (§7.14)', attribute: attr(0xc0, 16, ''), outcome: 'treat-as-withdraw', subcode: 9 },
  { what: 'AS4_PATH with a segment overrun (RFC 6793 §6)', attribute: attr(0xc0, 17, '02 02 fa56ea01'), outcome: 'attribute-discard', subcode: 11 },
  { what: 'AS4_PATH with an unknown segment type (RFC 6793 §6)', attribute: attr(0xc0, 17, '07 01 fa56ea01'), outcome: 'attribute-discard', subcode: 11 },
  { what: 'AS4_PATH of length 0 (RFC 6793 §6: less than 6)', attribute: attr(0xc0, 17, ''), outcome: 'attribute-discard', subcode: 5 },
  { what: 'AS4_PATH of length 5 (RFC 6793 §6)', attribute: attr(0xc0, 17, '02 01 fa56ea'), outcome: 'attribute-discard', subcode: 5 },
  { what: 'AS4_AGGREGATOR of length 6 (RFC 6793 §6)', attribute: attr(0xc0, 18, 'fde9 c0000201'), outcome: 'attribute-discard', subcode: 5 },
  { what: 'LARGE_COMMUNITY of length 13 (RFC 8092 §6)', attribute: attr(0xc0, 32, '00'.repeat(13)), outcome: 'treat-as-withdraw', subcode: 9 },
];

describe('malformed attribute values (RFC 7606 §7)', () => {
  for (const c of MALFORMED) {
    it(`${c.what}: ${c.outcome}, 3/${c.subcode} with the attribute`, () => {
      const ctx = c.ctx ?? DEFAULT_CONTEXT;
      const mandatory = ctx.as4 ? MANDATORY_4 : MANDATORY_2;
      const code = parseInt(c.attribute.slice(2, 4), 16);
      // The malformed attribute replaces its well-formed mandatory twin, if it has one.
      const others = [ORIGIN_IGP, ctx.as4 ? AS_PATH_4 : AS_PATH_2, attr(0x40, 3, 'c0000201')].filter((a) => parseInt(a.slice(2, 4), 16) !== code);
      const attributes = code <= 3 ? others.join('') + c.attribute : mandatory + c.attribute;
      const r = decodeUpdate(update({ attributes, nlri: NLRI_10_0_0 }), ctx, c.outcome);
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]?.code).toBe(code);
      expect(r.issues[0]?.action).toBe(c.outcome);
      expect(r.issues[0]?.notification?.code).toBe(3);
      expect(r.issues[0]?.notification?.subcode).toBe(c.subcode);
      expect(toHex(r.issues[0]?.notification?.data ?? new Uint8Array(0))).toBe(c.attribute.replace(/\s+/g, ''));
      expect(r.discarded).toEqual(c.outcome === 'attribute-discard' ? [code] : []);
      expect(r.update.attributes.some((a) => a.code === code)).toBe(false);
      expect(formatPrefixes(r.update.nlri)).toEqual(['10.0.0.0/24']);
    });
  }
});

describe('MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760)', () => {
  it('reads an IPv6 global next hop alone and with a link-local one (RFC 2545 §3)', () => {
    const one = attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00 20 20010db8 30 20010db80001');
    const two = attr(0x80, 14, '0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00 40 20010db800000001');
    for (const [mp, hops, prefixes] of [
      [one, ['2001:db8::1'], ['2001:db8::/32', '2001:db8:1::/48']],
      [two, ['2001:db8::1', 'fe80::1'], ['2001:db8:0:1::/64']],
    ] as const) {
      const bytes = update({ attributes: ORIGIN_IGP + AS_PATH_2 + mp });
      const { update: msg } = decodeUpdate(bytes, DEFAULT_CONTEXT);
      const reach = find(msg, 'MP_REACH_NLRI');
      if (reach?.name !== 'MP_REACH_NLRI' || !reach.value.nlri) throw new Error('no MP_REACH_NLRI');
      expect(reach.value.nextHops).toEqual(hops);
      expect(formatPrefixes(reach.value.nlri)).toEqual(prefixes);
      expect(toHex(encodeMessage(msg, DEFAULT_CONTEXT))).toBe(toHex(bytes));
    }
  });

  it('reads IPv4 NLRI with an IPv4 next hop and with an IPv6 one (RFC 8950)', () => {
    const v4 = attr(0x80, 14, '0001 01 04 c0000201 00 18 0a0000');
    const v6 = attr(0x80, 14, '0001 01 10 20010db8000000000000000000000001 00 18 0a0001');
    for (const [mp, hop, prefix] of [
      [v4, '192.0.2.1', '10.0.0.0/24'],
      [v6, '2001:db8::1', '10.0.1.0/24'],
    ] as const) {
      const bytes = update({ attributes: ORIGIN_IGP + AS_PATH_2 + mp });
      const { update: msg } = decodeUpdate(bytes, DEFAULT_CONTEXT);
      const reach = find(msg, 'MP_REACH_NLRI');
      if (reach?.name !== 'MP_REACH_NLRI' || !reach.value.nlri) throw new Error('no MP_REACH_NLRI');
      expect(reach.value.nextHops).toEqual([hop]);
      expect(formatPrefixes(reach.value.nlri)).toEqual([prefix]);
      expect(toHex(encodeMessage(msg, DEFAULT_CONTEXT))).toBe(toHex(bytes));
    }
  });

  it('keeps a family it does not decode as raw bytes', () => {
    // AFI 1 SAFI 128 (VPN): next hop and NLRI pass through untouched.
    const mp = attr(0x80, 14, '0001 80 0c 000000000000000001020304 00 7000000100000001000000010a');
    const bytes = update({ attributes: ORIGIN_IGP + AS_PATH_2 + mp });
    const { update: msg } = decodeUpdate(bytes, DEFAULT_CONTEXT);
    expect(find(msg, 'MP_REACH_NLRI')?.value).toEqual({
      afi: 1,
      safi: 128,
      nextHops: ['000000000000000001020304'],
      nlri: null,
      rawNlri: Uint8Array.from(Buffer.from('7000000100000001000000010a', 'hex')),
    });
    expect(toHex(encodeMessage(msg, DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });

  it('reads IPv6 withdrawals from MP_UNREACH_NLRI', () => {
    const bytes = update({ attributes: attr(0x80, 15, '0002 01 20 20010db8 40 20010db800000001') });
    const { update: msg } = decodeUpdate(bytes, DEFAULT_CONTEXT);
    const unreach = find(msg, 'MP_UNREACH_NLRI');
    if (unreach?.name !== 'MP_UNREACH_NLRI' || !unreach.value.withdrawn) throw new Error('no MP_UNREACH_NLRI');
    expect(formatPrefixes(unreach.value.withdrawn)).toEqual(['2001:db8::/32', '2001:db8:0:1::/64']);
  });
});

describe('End-of-RIB (RFC 4724 §2)', () => {
  it('recognizes the IPv4 marker: an UPDATE with nothing in it', () => {
    const bytes = update({});
    expect(toHex(bytes)).toBe('ffffffffffffffffffffffffffffffff0017020000' + '0000');
    expect(endOfRibFamily(decodeUpdate(bytes, DEFAULT_CONTEXT).update)).toBe('ipv4');
    expect(toHex(encodeEndOfRib('ipv4', DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });

  it('recognizes the IPv6 marker: only an empty MP_UNREACH_NLRI for IPv6 unicast', () => {
    const bytes = update({ attributes: attr(0x80, 15, '0002 01') });
    expect(endOfRibFamily(decodeUpdate(bytes, DEFAULT_CONTEXT).update)).toBe('ipv6');
    expect(toHex(encodeEndOfRib('ipv6', DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });

  it('does not take other UPDATEs for a marker', () => {
    const notEor = [
      update({ withdrawn: NLRI_10_0_0 }),
      update({ attributes: ORIGIN_IGP }),
      update({ attributes: attr(0x80, 15, '0002 01 20 20010db8') }),
      update({ attributes: attr(0x80, 15, '0002 02') }),
      update({ attributes: attr(0x80, 15, '0002 01') + ORIGIN_IGP }),
    ];
    for (const bytes of notEor) expect(endOfRibFamily(decodeUpdate(bytes, DEFAULT_CONTEXT).update)).toBeNull();
  });
});

describe('ADD-PATH (RFC 7911)', () => {
  const ADD_V4 = makeContext({ addPath: { ipv4: true, ipv6: false } });
  const ADD_V6 = makeContext({ addPath: { ipv4: false, ipv6: true } });

  it('reads a path identifier before each IPv4 prefix when negotiated for IPv4', () => {
    const bytes = update({ withdrawn: '00000007 18 0a0001', attributes: MANDATORY_2, nlri: '00000001 18 0a0000 00000002 18 0a0000' });
    const { update: msg } = decodeUpdate(bytes, ADD_V4);
    expect(formatPrefixes(msg.nlri)).toEqual(['10.0.0.0/24', '10.0.0.0/24']);
    expect(Array.from(msg.nlri.pathIds ?? [])).toEqual([1, 2]);
    expect(Array.from(msg.withdrawn.pathIds ?? [])).toEqual([7]);
    expect(toHex(encodeMessage(msg, ADD_V4))).toBe(toHex(bytes));
    // The same bytes without ADD-PATH read as other prefixes: the context decides.
    const plain = decodeUpdate(bytes, DEFAULT_CONTEXT).update;
    expect(formatPrefixes(plain.withdrawn)).toEqual(['0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0', '24.0.0.0/7', '0.0.0.0/10']);
  });

  it('applies ADD-PATH per family: IPv6 in MP_REACH_NLRI, not IPv4 in the NLRI field', () => {
    const mp = attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00 00000005 20 20010db8');
    const bytes = update({ attributes: MANDATORY_2 + mp, nlri: NLRI_10_0_0 });
    const { update: msg } = decodeUpdate(bytes, ADD_V6);
    expect(msg.nlri.pathIds).toBeNull();
    const reach = find(msg, 'MP_REACH_NLRI');
    if (reach?.name !== 'MP_REACH_NLRI' || !reach.value.nlri) throw new Error('no MP_REACH_NLRI');
    expect(formatPrefixes(reach.value.nlri)).toEqual(['2001:db8::/32']);
    expect(Array.from(reach.value.nlri.pathIds ?? [])).toEqual([5]);
    expect(toHex(encodeMessage(msg, ADD_V6))).toBe(toHex(bytes));
  });
});
