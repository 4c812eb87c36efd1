// ROUTE-REFRESH (RFC 2918 §3) and enhanced route refresh subtypes (RFC 7313 §3, §5).
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
      expect(r.message).toEqual({ type: 'ROUTE-REFRESH', afi: 2, safi: 1, subtype });
      expect(decodeResultToJSON(r)).toMatchObject({ type: 'ROUTE-REFRESH', subtype, subtype_name: name });
      expect(toHex(encodeRouteRefresh(2, 1, subtype))).toBe(toHex(bytes));
    }
  });

  it('answers a length other than 23 with 7/1 carrying the whole message (RFC 7313 §5)', () => {
    for (const body of ['0001 01 01 00', '0001 02 01 00000000']) {
      const bytes = message(5, body);
      expectNotification(decodeMessage(bytes, DEFAULT_CONTEXT), 7, 1, toHex(bytes));
    }
    const long = message(5, '0001 00 01' + '00'.repeat(5000));
    expectNotification(decodeMessage(long, makeContext({ extendedMessage: true })), 7, 1, toHex(long));
  });

  it('leaves a message too short for its header fields to the header check (1/2)', () => {
    expectNotification(decodeMessage(message(5, '0001 00'), DEFAULT_CONTEXT), 1, 2, '0016');
  });
});
