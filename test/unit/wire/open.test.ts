// OPEN (RFC 4271 §4.2, §6.2), capabilities (RFC 5492) and extended optional parameters (RFC 9072).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT, decodeMessage, encodeMessage, encodeOpen, openAsn, toHex, type OpenMessage } from '../../../src/bgp/wire/index.js';
import { expectMessage, expectNotification, message, u16hex, u8hex } from './bytes.js';

/** OPEN body: version 4, AS 65001, hold 90, id 10.0.0.1, then the optional parameters. */
function openBody(params: string, opts: { version?: number; hold?: number; id?: string } = {}): string {
  const p = params.replace(/\s+/g, '');
  return u8hex(opts.version ?? 4) + 'fde9' + u16hex(opts.hold ?? 90) + (opts.id ?? '0a000001') + u8hex(p.length / 2) + p;
}

function decodeOpen(bytes: Uint8Array): OpenMessage {
  const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT));
  if (r.message.type !== 'OPEN') throw new Error('not an OPEN');
  return r.message;
}

const CAP_MP_V4 = '01 04 0001 00 01';
const CAP_MP_V6 = '01 04 0002 00 01';
const CAP_RR = '02 00';
const CAP_AS4 = '41 04 fa56ea01'; // 4200000001
const CAP_ADDPATH = '45 08 0001 01 03 0002 01 01';
const CAP_GR = '40 06 8078 0001 01 80';
const CAP_LLGR = '47 07 0001 01 80 000e10';
const CAP_ENH_RR = '46 00';
const CAP_EXT_MSG = '06 00';
const CAP_EXT_NH = '05 06 0001 0001 0002';
const CAP_FQDN = '49 0a 04 6e6f6465 04 74657374'; // node, test
const CAP_UNKNOWN = 'c8 03 010203';

describe('OPEN decoding', () => {
  it('reads the fixed fields and every known capability', () => {
    const caps = [CAP_MP_V4, CAP_MP_V6, CAP_RR, CAP_AS4, CAP_ADDPATH, CAP_GR, CAP_LLGR, CAP_ENH_RR, CAP_EXT_MSG, CAP_EXT_NH, CAP_FQDN].join('');
    const len = caps.replace(/\s+/g, '').length / 2;
    const open = decodeOpen(message(1, openBody('02' + u8hex(len) + caps)));
    expect(open).toMatchObject({ version: 4, myAs: 65001, holdTime: 90, bgpId: 0x0a000001, capabilityGroups: [11] });
    expect(openAsn(open)).toBe(4200000001);
    expect(open.capabilities).toEqual([
      { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
      { name: 'MULTIPROTOCOL', code: 1, afi: 2, safi: 1 },
      { name: 'ROUTE_REFRESH', code: 2 },
      { name: 'FOUR_OCTET_AS', code: 65, asn: 4200000001 },
      { name: 'ADD_PATH', code: 69, entries: [{ afi: 1, safi: 1, mode: 3 }, { afi: 2, safi: 1, mode: 1 }] },
      { name: 'GRACEFUL_RESTART', code: 64, restarting: true, notification: false, restartTime: 120, families: [{ afi: 1, safi: 1, forwarding: true }] },
      { name: 'LONG_LIVED_GRACEFUL_RESTART', code: 71, families: [{ afi: 1, safi: 1, forwarding: true, staleTime: 3600 }] },
      { name: 'ENHANCED_ROUTE_REFRESH', code: 70 },
      { name: 'EXTENDED_MESSAGE', code: 6 },
      { name: 'EXTENDED_NEXT_HOP', code: 5, entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
      { name: 'FQDN', code: 73, hostname: 'node', domain: 'test' },
    ]);
  });

  it('takes an OPEN without optional parameters', () => {
    const open = decodeOpen(message(1, openBody('')));
    expect(open.capabilities).toEqual([]);
    expect(openAsn(open)).toBe(65001);
  });

  it('keeps an unknown capability raw and passes it through unchanged', () => {
    const bytes = message(1, openBody('02 05 ' + CAP_UNKNOWN));
    const open = decodeOpen(bytes);
    expect(open.capabilities).toEqual([{ name: 'UNKNOWN', code: 200, value: Uint8Array.of(1, 2, 3) }]);
    expect(toHex(encodeMessage(open, DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });

  it('keeps capabilities in their parameter grouping on re-encode', () => {
    // One capability per parameter (as some speakers send) and all in one parameter.
    const split = message(1, openBody('02 06 ' + CAP_MP_V4 + ' 02 02 ' + CAP_RR + ' 02 06 ' + CAP_AS4));
    const splitOpen = decodeOpen(split);
    expect(splitOpen.capabilityGroups).toEqual([1, 1, 1]);
    expect(toHex(encodeMessage(splitOpen, DEFAULT_CONTEXT))).toBe(toHex(split));

    const joined = message(1, openBody('02 0e ' + CAP_MP_V4 + CAP_RR + CAP_AS4));
    const joinedOpen = decodeOpen(joined);
    expect(joinedOpen.capabilityGroups).toEqual([3]);
    expect(toHex(encodeMessage(joinedOpen, DEFAULT_CONTEXT))).toBe(toHex(joined));
    expect(joinedOpen.capabilities).toEqual(splitOpen.capabilities);
  });

  it('reads RFC 9072 extended optional parameters and writes them back the same', () => {
    // Non-Ext OP Len 255, Non-Ext OP Type 255, 2-octet length; each parameter has a 2-octet length.
    const caps = (CAP_MP_V4 + CAP_AS4).replace(/\s+/g, '');
    const param = '02' + u16hex(caps.length / 2) + caps;
    const body = '04 fde9 005a 0a000001 ff ff' + u16hex(param.length / 2) + param;
    const bytes = message(1, body);
    const open = decodeOpen(bytes);
    expect(open.extendedParameters).toBe(true);
    expect(open.capabilities.map((c) => c.name)).toEqual(['MULTIPROTOCOL', 'FOUR_OCTET_AS']);
    expect(toHex(encodeMessage(open, DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });

  it('carries more than 255 bytes of capabilities only with RFC 9072 encoding', () => {
    const capabilities = Array.from({ length: 60 }, (_, i) => ({ name: 'MULTIPROTOCOL' as const, code: 1 as const, afi: 1, safi: i + 1 }));
    const base = { myAs: 65001, holdTime: 90, bgpId: 1, capabilities };
    expect(() => encodeOpen(base)).toThrow(RangeError);
    const bytes = encodeOpen({ ...base, extendedParameters: true });
    const open = decodeOpen(bytes);
    expect(open.capabilities).toEqual(capabilities);
    expect(open.extendedParameters).toBe(true);
  });

  it('refuses to encode an OPEN longer than 4096 bytes, even with RFC 9072 encoding', () => {
    // 20 capabilities of 253 octets of value: about 5 KB of parameters.
    const capabilities = Array.from({ length: 20 }, (_, i) => ({ name: 'UNKNOWN' as const, code: 200 + i, value: new Uint8Array(253) }));
    expect(() => encodeOpen({ myAs: 65001, holdTime: 90, bgpId: 1, capabilities, extendedParameters: true })).toThrow(RangeError);
    const fits = encodeOpen({ myAs: 65001, holdTime: 90, bgpId: 1, capabilities: capabilities.slice(0, 15), extendedParameters: true });
    expect(fits.length).toBeLessThanOrEqual(4096);
  });
});

describe('OPEN errors', () => {
  it('answers version 3 with 2/1 and the version it supports', () => {
    expectNotification(decodeMessage(message(1, openBody('', { version: 3 })), DEFAULT_CONTEXT), 2, 1, '0004');
    expectNotification(decodeMessage(message(1, openBody('', { version: 5 })), DEFAULT_CONTEXT), 2, 1, '0004');
  });

  it('answers hold time 1 and 2 with 2/6, takes 0 and 3', () => {
    expectNotification(decodeMessage(message(1, openBody('', { hold: 1 })), DEFAULT_CONTEXT), 2, 6);
    expectNotification(decodeMessage(message(1, openBody('', { hold: 2 })), DEFAULT_CONTEXT), 2, 6);
    expect(decodeOpen(message(1, openBody('', { hold: 0 }))).holdTime).toBe(0);
    expect(decodeOpen(message(1, openBody('', { hold: 3 }))).holdTime).toBe(3);
  });

  it('answers BGP Identifier 0.0.0.0 with 2/3', () => {
    expectNotification(decodeMessage(message(1, openBody('', { id: '00000000' })), DEFAULT_CONTEXT), 2, 3);
  });

  it('answers an optional parameter other than capabilities with 2/4', () => {
    // Type 1 was authentication (deprecated).
    expectNotification(decodeMessage(message(1, openBody('01 02 0000')), DEFAULT_CONTEXT), 2, 4);
  });

  it('answers a capability that overruns its parameter with 2/0', () => {
    expectNotification(decodeMessage(message(1, openBody('02 06 41 05 fa56ea01')), DEFAULT_CONTEXT), 2, 0);
    // A lone capability code with no length octet.
    expectNotification(decodeMessage(message(1, openBody('02 01 41')), DEFAULT_CONTEXT), 2, 0);
  });

  it('answers a parameter that overruns the optional parameters with 2/0', () => {
    const body = '04 fde9 005a 0a000001 06 02 08 01 04 00 01';
    expectNotification(decodeMessage(message(1, body), DEFAULT_CONTEXT), 2, 0);
  });

  it('answers a capability value of the wrong size with 2/0', () => {
    expectNotification(decodeMessage(message(1, openBody('02 04 41 02 fde9')), DEFAULT_CONTEXT), 2, 0);
    expectNotification(decodeMessage(message(1, openBody('02 03 02 01 00')), DEFAULT_CONTEXT), 2, 0);
    // ADD-PATH send/receive must be 1..3 (RFC 7911 §4).
    expectNotification(decodeMessage(message(1, openBody('02 06 45 04 0001 01 04')), DEFAULT_CONTEXT), 2, 0);
  });

  it('answers an optional parameters length that disagrees with the message with 1/2', () => {
    // Says 4 bytes of parameters, the message holds 6.
    const body = '04 fde9 005a 0a000001 04 02 04 02 00 02 00';
    expectNotification(decodeMessage(message(1, body), DEFAULT_CONTEXT), 1, 2, '0023');
  });

  it('answers a truncated RFC 9072 length with 2/0', () => {
    expectNotification(decodeMessage(message(1, '04 fde9 005a 0a000001 ff ff 00'), DEFAULT_CONTEXT), 2, 0);
  });
});
