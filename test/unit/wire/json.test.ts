// The JSON view of decode results (the stable keys `necod-cli decode` prints).
import { describe, expect, it } from 'vitest';
import { AS4_CONTEXT, DEFAULT_CONTEXT, decodeMessage, decodeResultToJSON, makeContext } from '../../../src/bgp/wire/index.js';
import { MANDATORY_2, MANDATORY_4, MARKER, NLRI_10_0_0, attr, hex, message, update } from './bytes.js';

/** Decodes and goes through JSON text, as the CLI does. */
function json(bytes: Uint8Array, ctx = DEFAULT_CONTEXT): unknown {
  return JSON.parse(JSON.stringify(decodeResultToJSON(decodeMessage(bytes, ctx))));
}

describe('decodeResultToJSON', () => {
  it('shows an incomplete message with the bytes it needs', () => {
    expect(json(hex(MARKER))).toEqual({ type: null, outcome: 'incomplete', needed: 19 });
  });

  it('shows a header error without a length and a body error with one', () => {
    expect(json(hex(MARKER + '0012 04'))).toEqual({
      type: 'KEEPALIVE',
      outcome: 'notification',
      notification: { code: 1, subcode: 2, code_name: 'Message Header Error', subcode_name: 'Bad Message Length', data: '0012' },
      reason: 'bad message length 18 for type 4',
    });
    expect(json(message(1, '03 fde9 005a 0a000001 00'))).toMatchObject({
      type: 'OPEN',
      outcome: 'notification',
      notification: { code: 2, subcode: 1, code_name: 'OPEN Message Error', subcode_name: 'Unsupported Version Number', data: '0004' },
      length: 29,
    });
  });

  it('shows an UPDATE with attributes keyed by name, each with code, flags and value', () => {
    const attributes = MANDATORY_4 + attr(0xc0, 16, '0002fde900000064') + attr(0xe0, 99, 'abcd') + attr(0xc0, 32, '0000fde9 00000001 00000002');
    expect(json(update({ withdrawn: '10 ac10', attributes, nlri: NLRI_10_0_0 }), AS4_CONTEXT)).toEqual({
      type: 'UPDATE',
      outcome: 'ok',
      length: 23 + 3 + attributes.length / 2 + 4,
      withdrawn: ['172.16.0.0/16'],
      attributes: {
        ORIGIN: { code: 1, flags: 0x40, value: 'IGP' },
        AS_PATH: { code: 2, flags: 0x40, value: [{ type: 'AS_SEQUENCE', asns: [65001] }] },
        NEXT_HOP: { code: 3, flags: 0x40, value: '192.0.2.1' },
        EXTENDED_COMMUNITIES: { code: 16, flags: 0xc0, value: [{ type: 'route-target', value: '65001:100', hex: '0002fde900000064' }] },
        UNKNOWN_99: { code: 99, flags: 0xe0, value: 'abcd' },
        LARGE_COMMUNITY: { code: 32, flags: 0xc0, value: ['65001:1:2'] },
      },
      nlri: ['10.0.0.0/24'],
    });
  });

  it('shows path identifiers next to their prefixes', () => {
    const ctx = makeContext({ addPath: { ipv4: true, ipv6: false } });
    expect(json(update({ attributes: MANDATORY_2, nlri: '00000009 18 0a0000' }), ctx)).toMatchObject({
      nlri: [{ prefix: '10.0.0.0/24', path_id: 9 }],
    });
  });

  it('shows End-of-RIB markers', () => {
    expect(json(update({}))).toMatchObject({ type: 'UPDATE', outcome: 'ok', end_of_rib: 'ipv4' });
    expect(json(update({ attributes: attr(0x80, 15, '0002 01') }))).toMatchObject({ end_of_rib: 'ipv6' });
    expect(json(update({ withdrawn: NLRI_10_0_0 }))).not.toHaveProperty('end_of_rib');
  });

  it('shows the issues of a treat-as-withdraw and the codes of an attribute-discard', () => {
    const bad = attr(0x40, 1, '03');
    expect(json(update({ attributes: bad + MANDATORY_2.slice(8), nlri: NLRI_10_0_0 }))).toMatchObject({
      outcome: 'treat-as-withdraw',
      issues: [
        {
          attribute: 'ORIGIN',
          code: 1,
          action: 'treat-as-withdraw',
          reason: 'ORIGIN value 3 undefined',
          notification: { code: 3, subcode: 6, data: bad },
        },
      ],
      nlri: ['10.0.0.0/24'],
    });
    expect(json(update({ attributes: MANDATORY_2 + attr(0x40, 6, '00'), nlri: NLRI_10_0_0 }))).toMatchObject({
      outcome: 'attribute-discard',
      discarded: [6],
    });
    // RFC 7606 §3(g): a repeat is discarded, and the outcome says so with the rule.
    expect(json(update({ attributes: MANDATORY_2 + MANDATORY_2.slice(0, 8), nlri: NLRI_10_0_0 }))).toMatchObject({
      outcome: 'attribute-discard',
      discarded: [1],
      issues: [{ attribute: 'ORIGIN', code: 1, action: 'attribute-discard', rule: 'RFC 7606 §3(g)', notification: { code: 3, subcode: 1, data: '' } }],
    });
  });

  it('shows MP_REACH_NLRI of a family it does not decode as hex', () => {
    const mp = attr(0x80, 14, '0001 80 04 01020304 00 aabb');
    expect(json(update({ attributes: MANDATORY_2.slice(0, 22) + mp }))).toMatchObject({
      attributes: { MP_REACH_NLRI: { value: { afi: 1, safi: 128, next_hops: ['01020304'], nlri: 'aabb' } } },
    });
  });

  it('shows an OPEN with its capabilities', () => {
    const params = '02 0e 01040001 0001 0200 4104fa56ea01';
    expect(json(message(1, '04 5ba0 00b4 0a000001 10' + params))).toEqual({
      type: 'OPEN',
      outcome: 'ok',
      length: 45,
      version: 4,
      my_as: 23456,
      asn: 4200000001,
      hold_time: 180,
      bgp_id: '10.0.0.1',
      capabilities: [
        { code: 1, name: 'MULTIPROTOCOL', afi: 1, safi: 1 },
        { code: 2, name: 'ROUTE_REFRESH' },
        { code: 65, name: 'FOUR_OCTET_AS', asn: 4200000001 },
      ],
    });
  });

  it('shows a KEEPALIVE as type and length only', () => {
    expect(json(message(4, ''))).toEqual({ type: 'KEEPALIVE', outcome: 'ok', length: 19 });
  });
});
