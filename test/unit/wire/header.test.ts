// Message header checks (RFC 4271 §4.1, §6.1) and the RFC 8654 extended message size.
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  DEFAULT_CONTEXT,
  checkHeader,
  decodeMessage,
  encodeKeepalive,
  makeContext,
  toHex,
} from '../../../src/bgp/wire/index.js';
import { MARKER, expectMessage, expectNotification, hex, message, u16hex } from './bytes.js';

const EXTENDED = makeContext({ as4: true, extendedMessage: true });

/** An UPDATE of exactly `total` bytes: withdrawn /32s, then one shorter prefix for the rest. */
function updateOfLength(total: number): Uint8Array {
  let room = total - 23;
  let withdrawn = '';
  for (; room > 4; room -= 5) withdrawn += '20 0a000001';
  // 1..4 bytes left: a prefix of length 0, /8, /16 or /24.
  withdrawn += ['', '00', '08 0a', '10 0a00', '18 0a0000'][room];
  return message(2, u16hex(total - 23) + withdrawn + '0000');
}

describe('message header', () => {
  it('accepts a KEEPALIVE and encodes one as 19 bytes', () => {
    const ka = message(4, '');
    expect(toHex(encodeKeepalive())).toBe(toHex(ka));
    const r = expectMessage(decodeMessage(ka, DEFAULT_CONTEXT));
    expect(r.message).toEqual({ type: 'KEEPALIVE' });
    expect(r.length).toBe(19);
  });

  it('answers a marker that is not all ones with 1/1 and no data', () => {
    const b = hex('ffffffffffffffffffffffffffffff7f 0013 04');
    const r = decodeMessage(b, DEFAULT_CONTEXT);
    expectNotification(r, 1, 1);
    expect(r).toMatchObject({ messageType: 'KEEPALIVE', length: null });
  });

  it('answers a length below 19 with 1/2 carrying the length field', () => {
    expectNotification(decodeMessage(message(4, '', 18), DEFAULT_CONTEXT), 1, 2, '0012');
    expectNotification(decodeMessage(message(4, '', 0), DEFAULT_CONTEXT), 1, 2, '0000');
  });

  it('answers a length below the type minimum with 1/2', () => {
    // OPEN needs 29, UPDATE 23, NOTIFICATION 21, ROUTE-REFRESH 23.
    expectNotification(decodeMessage(message(1, '04fde9005a0a0000', 28), DEFAULT_CONTEXT), 1, 2, '001c');
    expectNotification(decodeMessage(message(2, '000000'), DEFAULT_CONTEXT), 1, 2, '0016');
    expectNotification(decodeMessage(message(3, '06'), DEFAULT_CONTEXT), 1, 2, '0014');
    expectNotification(decodeMessage(message(5, '000100'), DEFAULT_CONTEXT), 1, 2, '0016');
  });

  it('answers a KEEPALIVE of any length but 19 with 1/2', () => {
    expectNotification(decodeMessage(message(4, '00'), DEFAULT_CONTEXT), 1, 2, '0014');
    expectNotification(decodeMessage(message(4, '0000000000'), EXTENDED), 1, 2, '0018');
  });

  it('answers a length over 4096 with 1/2 as soon as the header is in', () => {
    const header = hex(MARKER + '1001 02');
    expectNotification(decodeMessage(header, DEFAULT_CONTEXT), 1, 2, '1001');
    expect(checkHeader(header, 0, DEFAULT_CONTEXT)).toMatchObject({ ok: false });
  });

  it('takes an UPDATE of exactly 4096 bytes without extended messages', () => {
    const b = updateOfLength(4096);
    expect(b.length).toBe(4096);
    const r = expectMessage(decodeMessage(b, AS4_CONTEXT));
    expect(r.length).toBe(4096);
  });

  it('takes UPDATEs of 4097 and 65535 bytes with extended messages (RFC 8654)', () => {
    for (const size of [4097, 65535]) {
      const b = updateOfLength(size);
      expect(b.length).toBe(size);
      expect(expectMessage(decodeMessage(b, EXTENDED)).length).toBe(size);
      expectNotification(decodeMessage(b, AS4_CONTEXT), 1, 2, u16hex(size));
    }
  });

  it('takes a NOTIFICATION over 4096 bytes with extended messages', () => {
    const b = message(3, '0600' + '00'.repeat(5000));
    expect(expectMessage(decodeMessage(b, EXTENDED)).length).toBe(5021);
    expectNotification(decodeMessage(b, DEFAULT_CONTEXT), 1, 2, u16hex(5021));
  });

  it('keeps OPEN and KEEPALIVE within 4096 even with extended messages (RFC 8654 §4)', () => {
    expectNotification(decodeMessage(hex(MARKER + '1001 01'), EXTENDED), 1, 2, '1001');
    expectNotification(decodeMessage(hex(MARKER + '1001 04'), EXTENDED), 1, 2, '1001');
  });

  it('answers an unknown type with 1/3 carrying the type', () => {
    const r = decodeMessage(message(6, '00'), DEFAULT_CONTEXT);
    expectNotification(r, 1, 3, '06');
    expect(r).toMatchObject({ messageType: null });
    expectNotification(decodeMessage(message(0, ''), DEFAULT_CONTEXT), 1, 3, '00');
    expectNotification(decodeMessage(message(255, ''), DEFAULT_CONTEXT), 1, 3, 'ff');
  });

  it('reports a truncated message as incomplete with the bytes it needs', () => {
    const ka = message(4, '');
    expect(decodeMessage(ka.subarray(0, 10), DEFAULT_CONTEXT)).toEqual({ outcome: 'incomplete', needed: 19 });
    const upd = message(2, '0000 0000 18 0a0000');
    expect(decodeMessage(upd.subarray(0, 24), DEFAULT_CONTEXT)).toEqual({ outcome: 'incomplete', needed: 27 });
    expect(decodeMessage(new Uint8Array(0), DEFAULT_CONTEXT)).toEqual({ outcome: 'incomplete', needed: 19 });
  });

  it('decodes the message at an offset and only that message', () => {
    const stream = new Uint8Array([...message(4, ''), ...message(2, '0000 0000'), ...message(4, '')]);
    const r = expectMessage(decodeMessage(stream, DEFAULT_CONTEXT, 19));
    expect(r.message.type).toBe('UPDATE');
    expect(r.length).toBe(23);
    expect(expectMessage(decodeMessage(stream, DEFAULT_CONTEXT, 42)).message.type).toBe('KEEPALIVE');
  });
});
