// ROUTE-REFRESH (RFC 2918 §3), enhanced route refresh subtypes (RFC 7313 §3, §5) and the
// Outbound Route Filters a normal request may carry (RFC 5291 §4, RFC 5292 §3).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT, decodeMessage, decodeResultToJSON, encodeRouteRefresh, makeContext, toHex } from '../../../src/bgp/wire/index.js';
import { expectMessage, expectNotification, message } from './bytes.js';

describe('ROUTE-REFRESH', () => {
  it('reads AFI, subtype and SAFI for each subtype and encodes the same bytes', () => {
    const cases: Array<[number, string]> = [
      [0, 'normal'],
      [1, 'BoRR'],
      [2, 'EoRR'],
      [3, 'reserved'],
    ];
    for (const [subtype, name] of cases) {
      const bytes = message(5, `0002 0${subtype} 01`);
      const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT));
      expect(r.message).toEqual({ type: 'ROUTE-REFRESH', afi: 2, safi: 1, subtype, orf: null });
      expect(decodeResultToJSON(r)).toMatchObject({ type: 'ROUTE-REFRESH', subtype, subtype_name: name });
      expect(toHex(encodeRouteRefresh(2, 1, subtype))).toBe(toHex(bytes));
    }
  });

  it('answers a BoRR or EoRR of a length other than 23 with 7/1 carrying the whole message (RFC 7313 §5)', () => {
    for (const body of ['0001 01 01 00', '0001 02 01 00000000']) {
      const bytes = message(5, body);
      expectNotification(decodeMessage(bytes, DEFAULT_CONTEXT), 7, 1, toHex(bytes));
    }
    const long = message(5, '0001 02 01' + '00'.repeat(5000));
    expectNotification(decodeMessage(long, makeContext({ extendedMessage: true })), 7, 1, toHex(long));
  });

  it('reads a normal request with Address Prefix ORF entries as a refresh, not an error (RFC 5291 §4)', () => {
    // When-to-refresh IMMEDIATE; type 64, entries: add permit seq 5 10.0.0.0/8 ge 16 le 24;
    // add deny seq 10 192.168.1.0/24 exact; then remove-all.
    const entries = '00 00000005 10 18 08 0a' + '20 0000000a 00 00 18 c0a801' + '80';
    const len = entries.replace(/\s+/g, '').length / 2;
    const bytes = message(5, `0001 00 01 01 40 ${len.toString(16).padStart(4, '0')} ${entries}`);
    const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT));
    if (r.message.type !== 'ROUTE-REFRESH') throw new Error('not a refresh');
    expect(r.message.subtype).toBe(0);
    expect(decodeResultToJSON(r)).toMatchObject({
      outcome: 'ok',
      orf: {
        when_to_refresh: 'immediate',
        groups: [
          {
            type: 64,
            entries: [
              { action: 'add', match: 'permit', sequence: 5, prefix: '10.0.0.0/8', min_length: 16, max_length: 24 },
              { action: 'add', match: 'deny', sequence: 10, prefix: '192.168.1.0/24', min_length: 0, max_length: 0 },
              { action: 'remove-all', match: 'permit' },
            ],
          },
        ],
      },
    });
    expect(toHex(encodeRouteRefresh(1, 1, 0, r.message.orf))).toBe(toHex(bytes));
  });

  it('reads FRR\'s REMOVE-ALL (0xC0) and its "le 24" entry with minlen 0', () => {
    const bytes = message(5, '0001 00 01 01 40 000b c0 00 00000005 00 18 10 0a4d');
    const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT));
    expect(decodeResultToJSON(r)).toMatchObject({
      orf: { groups: [{ type: 64, entries: [{ action: 'remove-all' }, { action: 'add', sequence: 5, prefix: '10.77.0.0/16', min_length: 0, max_length: 24 }] }] },
    });
  });

  it('keeps ORF types it does not read as bytes, and reports malformed ORF without an error', () => {
    const other = expectMessage(decodeMessage(message(5, '0001 00 01 02 41 0002 abcd'), DEFAULT_CONTEXT));
    expect(decodeResultToJSON(other)).toMatchObject({ outcome: 'ok', orf: { when_to_refresh: 'defer', groups: [{ type: 65, value: 'abcd' }] } });
    const overrun = expectMessage(decodeMessage(message(5, '0001 00 01 01 40 0010 00'), DEFAULT_CONTEXT));
    expect(decodeResultToJSON(overrun)).toMatchObject({ outcome: 'ok', orf: { groups: [], malformed: 'ORF type 64 entries needs 16 bytes, 1 left' } });
    // A /33 cannot be an IPv4 prefix.
    const bad = expectMessage(decodeMessage(message(5, '0001 00 01 01 40 000c 00 00000001 00 00 21 0a000000 00'), DEFAULT_CONTEXT));
    expect(decodeResultToJSON(bad)).toMatchObject({ outcome: 'ok', orf: { groups: [{ type: 64, malformed: 'ORF prefix length 33' }] } });
  });

  it('leaves a message too short for its header fields to the header check (1/2)', () => {
    expectNotification(decodeMessage(message(5, '0001 00'), DEFAULT_CONTEXT), 1, 2, '0016');
  });
});

describe('ORF capability (RFC 5291 §3)', () => {
  it('reads each AFI/SAFI with its ORF types and send/receive, and writes the same bytes', async () => {
    const { decodeCapability, capabilityFault, capabilityToJSON, encodeCapability } = await import('../../../src/bgp/wire/index.js');
    const { ByteWriter } = await import('../../../src/bgp/wire/writer.js');
    const { WireReader } = await import('../../../src/bgp/wire/reader.js');
    const value = Uint8Array.from([0, 1, 0, 1, 1, 64, 3, 0, 2, 0, 1, 2, 64, 1, 128, 2]);
    const cap = decodeCapability(3, new WireReader(value, 0, value.length, capabilityFault));
    expect(capabilityToJSON(cap)).toEqual({
      code: 3,
      name: 'OUTBOUND_ROUTE_FILTERING',
      families: [
        { afi: 1, safi: 1, orfs: [{ type: 64, send_receive: 'both' }] },
        { afi: 2, safi: 1, orfs: [{ type: 64, send_receive: 'receive' }, { type: 128, send_receive: 'send' }] },
      ],
    });
    const w = new ByteWriter();
    encodeCapability(cap, w);
    expect(toHex(w.finish())).toBe('03' + '10' + toHex(value));
    expect(() => decodeCapability(3, new WireReader(value, 0, 4, capabilityFault))).toThrow(/ORF/);
  });
});
