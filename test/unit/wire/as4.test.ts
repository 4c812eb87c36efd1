// 2-octet and 4-octet AS numbers (RFC 6793): AS_PATH and AGGREGATOR by session context, and
// rebuilding the real path from AS_PATH + AS4_PATH (§4.2.3).
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  AS_TRANS,
  DEFAULT_CONTEXT,
  asPathLength,
  as4PathFor,
  decodeMessage,
  encodeAttributes,
  findAttribute,
  hasFourOctetAsn,
  makeAttribute,
  mergeAs4Aggregator,
  mergeAs4Path,
  toHex,
  type AsPathSegment,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { NEXT_HOP_192_0_2_1, NLRI_10_0_0, ORIGIN_IGP, attr, expectMessage, update } from './bytes.js';

const SET = 1;
const SEQ = 2;
const CONFED_SEQ = 3;
const CONFED_SET = 4;
const seg = (type: 1 | 2 | 3 | 4, ...asns: number[]): AsPathSegment => ({ type, asns });

function decodeUpdate(bytes: Uint8Array, ctx = DEFAULT_CONTEXT): UpdateMessage {
  const r = expectMessage(decodeMessage(bytes, ctx));
  if (r.message.type !== 'UPDATE') throw new Error('not an UPDATE');
  return r.message;
}

describe('AS_PATH by session context', () => {
  it('reads 2-octet ASNs on a 2-octet session and 4-octet ASNs on a 4-octet one', () => {
    const two = decodeUpdate(update({ attributes: ORIGIN_IGP + attr(0x40, 2, '02 02 fde9 5ba0') + NEXT_HOP_192_0_2_1, nlri: NLRI_10_0_0 }));
    expect(findAttribute(two.attributes, 'AS_PATH')).toEqual([seg(SEQ, 65001, AS_TRANS)]);
    const four = decodeUpdate(update({ attributes: ORIGIN_IGP + attr(0x40, 2, '02 02 0000fde9 fa56ea01') + NEXT_HOP_192_0_2_1, nlri: NLRI_10_0_0 }), AS4_CONTEXT);
    expect(findAttribute(four.attributes, 'AS_PATH')).toEqual([seg(SEQ, 65001, 4200000001)]);
  });

  it('finds 4-octet bytes malformed on a 2-octet session', () => {
    const bytes = update({ attributes: ORIGIN_IGP + attr(0x40, 2, '02 02 0000fde9 fa56ea01') + NEXT_HOP_192_0_2_1, nlri: NLRI_10_0_0 });
    const r = decodeMessage(bytes, DEFAULT_CONTEXT);
    expect(r.outcome).toBe('treat-as-withdraw');
  });

  it('writes AS_TRANS for a 4-octet ASN on a 2-octet session', () => {
    const path = makeAttribute('AS_PATH', [seg(SEQ, 65001, 4200000001)]);
    expect(toHex(encodeAttributes([path], DEFAULT_CONTEXT))).toBe('40020602' + '02fde95ba0');
    expect(toHex(encodeAttributes([path], AS4_CONTEXT))).toBe('40020a02' + '020000fde9fa56ea01');
  });

  it('reads and writes AGGREGATOR in 6 or 8 octets by context', () => {
    const agg = makeAttribute('AGGREGATOR', { asn: 4200000001, address: 0xc0000201 });
    expect(toHex(encodeAttributes([agg], DEFAULT_CONTEXT))).toBe('c00706' + '5ba0c0000201');
    expect(toHex(encodeAttributes([agg], AS4_CONTEXT))).toBe('c00708' + 'fa56ea01c0000201');
  });

  it('splits a segment of more than 255 ASNs into several of the same type', () => {
    const asns = Array.from({ length: 600 }, (_, i) => 64512 + i);
    const w = encodeAttributes([makeAttribute('AS_PATH', [seg(SEQ, ...asns)])], AS4_CONTEXT);
    // Extended length header, then segments of 255, 255 and 90 ASNs.
    expect(w[0]).toBe(0x50);
    expect((w[2]! << 8) | w[3]!).toBe(3 * 2 + 600 * 4);
    expect([w[4], w[5]]).toEqual([SEQ, 255]);
    expect([w[4 + 2 + 255 * 4], w[5 + 2 + 255 * 4]]).toEqual([SEQ, 255]);
    expect([w[4 + 4 + 510 * 4], w[5 + 4 + 510 * 4]]).toEqual([SEQ, 90]);
  });
});

describe('path length (RFC 4271 §9.1.2.2, RFC 5065 §5.3)', () => {
  it('counts a set as one and confederation segments as none', () => {
    expect(asPathLength([seg(SEQ, 1, 2, 3), seg(SET, 4, 5, 6), seg(CONFED_SEQ, 7, 8), seg(CONFED_SET, 9)])).toBe(4);
  });
});

describe('mergeAs4Path (RFC 6793 §4.2.3)', () => {
  it('returns AS_PATH when there is no AS4_PATH', () => {
    expect(mergeAs4Path([seg(SEQ, 65001, 65002)], undefined)).toEqual([seg(SEQ, 65001, 65002)]);
  });

  it('puts the leading AS_PATH entries AS4_PATH does not cover in front of AS4_PATH', () => {
    const asPath = [seg(SEQ, 65001, AS_TRANS, AS_TRANS)];
    const as4 = [seg(SEQ, 4200000001, 4200000002)];
    expect(mergeAs4Path(asPath, as4)).toEqual([seg(SEQ, 65001, 4200000001, 4200000002)]);
  });

  it('ignores an AS4_PATH longer than AS_PATH', () => {
    const asPath = [seg(SEQ, AS_TRANS)];
    expect(mergeAs4Path(asPath, [seg(SEQ, 4200000001, 4200000002)])).toEqual(asPath);
  });

  it('counts an AS_SET as one AS number', () => {
    // AS_PATH length 3 (two in the sequence, the set as one), AS4_PATH length 2: one entry kept.
    const asPath = [seg(SEQ, 65001, AS_TRANS), seg(SET, AS_TRANS, 65003)];
    const as4 = [seg(SEQ, 4200000001), seg(SET, 4200000002, 65003)];
    expect(mergeAs4Path(asPath, as4)).toEqual([seg(SEQ, 65001, 4200000001), seg(SET, 4200000002, 65003)]);
    // A set at the front is kept whole.
    expect(mergeAs4Path([seg(SET, 1, 2), seg(SEQ, AS_TRANS)], [seg(SEQ, 4200000001)])).toEqual([seg(SET, 1, 2), seg(SEQ, 4200000001)]);
  });

  it('keeps leading confederation segments, which count zero', () => {
    // Lengths are equal, so nothing but the leading confederation segment comes from AS_PATH.
    const asPath = [seg(CONFED_SEQ, 65010), seg(SEQ, AS_TRANS, 65002)];
    const as4 = [seg(SEQ, 4200000001, 65002)];
    expect(mergeAs4Path(asPath, as4)).toEqual([seg(CONFED_SEQ, 65010), seg(SEQ, 4200000001, 65002)]);
    const withSet = [seg(CONFED_SET, 65010, 65011), seg(SEQ, 65001, AS_TRANS)];
    expect(mergeAs4Path(withSet, [seg(SEQ, 4200000001)])).toEqual([seg(CONFED_SET, 65010, 65011), seg(SEQ, 65001, 4200000001)]);
  });

  it('drops confederation segments found in AS4_PATH', () => {
    const asPath = [seg(SEQ, 65001, AS_TRANS)];
    const as4 = [seg(CONFED_SEQ, 65010), seg(SEQ, 4200000001)];
    expect(mergeAs4Path(asPath, as4)).toEqual([seg(SEQ, 65001, 4200000001)]);
  });

  it('rebuilds the path of an UPDATE a 2-octet speaker passed on', () => {
    const bytes = update({
      attributes: ORIGIN_IGP + attr(0x40, 2, '02 03 fde9 5ba0 5ba0') + NEXT_HOP_192_0_2_1 + attr(0xc0, 17, '02 02 fa56ea01 fa56ea02'),
      nlri: NLRI_10_0_0,
    });
    const msg = decodeUpdate(bytes);
    const merged = mergeAs4Path(findAttribute(msg.attributes, 'AS_PATH') ?? [], findAttribute(msg.attributes, 'AS4_PATH'));
    expect(merged).toEqual([seg(SEQ, 65001, 4200000001, 4200000002)]);
  });
});

describe('mergeAs4Aggregator (RFC 6793 §4.2.3)', () => {
  const as4Agg = { asn: 4200000001, address: 0xc0000201 };

  it('uses AS4_AGGREGATOR when AGGREGATOR carries AS_TRANS', () => {
    expect(mergeAs4Aggregator({ asn: AS_TRANS, address: 0xc0000201 }, as4Agg)).toEqual({ aggregator: as4Agg, useAs4Path: true });
  });

  it('ignores AS4_AGGREGATOR and AS4_PATH when AGGREGATOR carries a real ASN', () => {
    const agg = { asn: 65001, address: 0xc0000201 };
    expect(mergeAs4Aggregator(agg, as4Agg)).toEqual({ aggregator: agg, useAs4Path: false });
  });

  it('leaves things alone when either is missing', () => {
    const agg = { asn: 65001, address: 1 };
    expect(mergeAs4Aggregator(agg, undefined)).toEqual({ aggregator: agg, useAs4Path: true });
    expect(mergeAs4Aggregator(undefined, undefined)).toEqual({ aggregator: undefined, useAs4Path: true });
  });
});

describe('sending to a 2-octet speaker (RFC 6793 §4.2.2)', () => {
  it('knows when AS4_PATH is needed and leaves confederation segments out of it', () => {
    expect(hasFourOctetAsn([seg(SEQ, 65001, 65002)])).toBe(false);
    expect(hasFourOctetAsn([seg(SEQ, 65001), seg(SET, 4200000001)])).toBe(true);
    expect(as4PathFor([seg(CONFED_SEQ, 65010), seg(SEQ, 4200000001), seg(SET, 1, 2)])).toEqual([seg(SEQ, 4200000001), seg(SET, 1, 2)]);
  });
});
