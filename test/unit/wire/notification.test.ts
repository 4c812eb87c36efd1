// NOTIFICATION (RFC 4271 §4.5), the shutdown communication (RFC 9003) and the maximum-prefix
// data (RFC 4486 §4).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONTEXT,
  MAX_SHUTDOWN_COMMUNICATION,
  decodeMessage,
  decodeResultToJSON,
  describeNotification,
  encodeNotification,
  encodeShutdownCommunication,
  maxPrefixData,
  shutdownCommunication,
  toHex,
  type NotificationMessage,
} from '../../../src/bgp/wire/index.js';
import { expectMessage, hex, message, u8hex } from './bytes.js';

function decodeNotification(bytes: Uint8Array): NotificationMessage {
  const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT));
  if (r.message.type !== 'NOTIFICATION') throw new Error('not a NOTIFICATION');
  return r.message;
}

const MAINTENANCE = Buffer.from('maintenance').toString('hex');

describe('NOTIFICATION', () => {
  it('reads code, subcode and data, and encodes the same bytes', () => {
    const bytes = message(3, '03 04 c0010100');
    const n = decodeNotification(bytes);
    expect(n).toEqual({ type: 'NOTIFICATION', code: 3, subcode: 4, data: hex('c0010100') });
    expect(toHex(encodeNotification(3, 4, hex('c0010100')))).toBe(toHex(bytes));
  });

  it('reads a NOTIFICATION without data', () => {
    expect(decodeNotification(message(3, '04 00')).data.length).toBe(0);
  });

  it('cuts data that would make the message longer than 4096 bytes', () => {
    const out = encodeNotification(6, 2, new Uint8Array(5000));
    expect(out.length).toBe(4096);
    expect((out[16]! << 8) | out[17]!).toBe(4096);
  });
});

describe('shutdown communication (RFC 9003)', () => {
  it('reads the text of an Administrative Shutdown and an Administrative Reset', () => {
    for (const subcode of [2, 4]) {
      const n = decodeNotification(message(3, '06' + u8hex(subcode) + '0b' + MAINTENANCE));
      expect(shutdownCommunication(n)).toBe('maintenance');
    }
    const n = decodeNotification(message(3, '06 02 0b' + MAINTENANCE));
    expect(describeNotification(n)).toBe('Cease/Administrative Shutdown "maintenance"');
    expect(decodeResultToJSON(decodeMessage(message(3, '06 02 0b' + MAINTENANCE), DEFAULT_CONTEXT))).toMatchObject({
      outcome: 'ok',
      code: 6,
      subcode: 2,
      shutdown_communication: 'maintenance',
    });
  });

  it('looks for no text under other subcodes', () => {
    expect(shutdownCommunication(decodeNotification(message(3, '06 03 0b' + MAINTENANCE)))).toBeNull();
  });

  it('ignores a malformed communication but keeps the NOTIFICATION', () => {
    // Length 12 with 11 octets of text; invalid UTF-8; length 0.
    for (const body of ['06 02 0c' + MAINTENANCE, '06 02 02 c328', '06 02 00']) {
      const r = decodeMessage(message(3, body), DEFAULT_CONTEXT);
      expect(r.outcome).toBe('ok');
      const n = decodeNotification(message(3, body));
      expect(shutdownCommunication(n)).toBeNull();
      expect(describeNotification(n)).toBe('Cease/Administrative Shutdown');
      expect(decodeResultToJSON(r)).not.toHaveProperty('shutdown_communication');
    }
  });

  it('encodes text as a length octet and UTF-8', () => {
    expect(toHex(encodeShutdownCommunication('maintenance'))).toBe('0b' + MAINTENANCE);
    expect(toHex(encodeShutdownCommunication(''))).toBe('00');
  });

  it('cuts an over-long text to 255 octets at a UTF-8 character boundary', () => {
    const cases: Array<[string, number]> = [
      ['a'.repeat(255), 255],
      ['a'.repeat(300), 255],
      ['é'.repeat(200), 254], // 2-octet characters: 255 would split one
      ['€'.repeat(100), 255], // 3-octet characters: 85 fit exactly
      ['😀'.repeat(70), 252], // 4-octet characters
      ['a' + '😀'.repeat(70), 253],
    ];
    for (const [text, octets] of cases) {
      const out = encodeShutdownCommunication(text);
      expect(out[0]).toBe(octets);
      expect(out.length).toBe(1 + octets);
      expect(out[0]).toBeLessThanOrEqual(MAX_SHUTDOWN_COMMUNICATION);
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(out.subarray(1));
      expect(text.startsWith(decoded)).toBe(true);
      const n = { code: 6, subcode: 2, data: out };
      expect(shutdownCommunication(n)).toBe(decoded);
    }
  });
});

describe('maximum prefixes (RFC 4486 §4)', () => {
  it('writes AFI, SAFI and the limit, and shows them in JSON', () => {
    const data = maxPrefixData(2, 1, 100000);
    expect(toHex(data)).toBe('0002' + '01' + '000186a0');
    const r = decodeMessage(encodeNotification(6, 1, data), DEFAULT_CONTEXT);
    expect(decodeResultToJSON(r)).toMatchObject({ code: 6, subcode: 1, max_prefixes: { afi: 2, safi: 1, limit: 100000 } });
    expect(toHex(maxPrefixData(1, 1, 0xffffffff))).toBe('000101ffffffff');
  });
});
