// Hand-built BGP messages for the wire tests. Everything is hex text so a test reads like the
// packet it describes; only the length fields are computed, and each builder can be told a
// wrong length on purpose.
import { expect } from 'vitest';
import { toHex, type DecodeResult, type NotificationSpec } from '../../../src/bgp/wire/index.js';

export const MARKER = 'ff'.repeat(16);

/** Hex text (spaces and newlines allowed) to bytes. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error(`bad hex in test: ${text}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function u8hex(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

export function u16hex(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, '0');
}

/** A whole message: marker, length (computed unless given), type, body. */
export function message(type: number, bodyHex: string, length?: number): Uint8Array {
  const body = hex(bodyHex);
  const len = length ?? 19 + body.length;
  return hex(MARKER + u16hex(len) + u8hex(type) + toHex(body));
}

/** One path attribute; the length is computed (two octets when the Extended Length bit is set). */
export function attr(flags: number, code: number, valueHex: string, length?: number): string {
  const value = valueHex.replace(/\s+/g, '');
  const len = length ?? value.length / 2;
  const lenHex = flags & 0x10 ? u16hex(len) : u8hex(len);
  return u8hex(flags) + u8hex(code) + lenHex + value;
}

export interface UpdateParts {
  withdrawn?: string;
  attributes?: string;
  nlri?: string;
  /** Overrides for the two length fields inside the body. */
  withdrawnLength?: number;
  attributesLength?: number;
}

export function update(parts: UpdateParts): Uint8Array {
  const w = (parts.withdrawn ?? '').replace(/\s+/g, '');
  const a = (parts.attributes ?? '').replace(/\s+/g, '');
  const n = (parts.nlri ?? '').replace(/\s+/g, '');
  const body = u16hex(parts.withdrawnLength ?? w.length / 2) + w + u16hex(parts.attributesLength ?? a.length / 2) + a + n;
  return message(2, body);
}

// Attributes used again and again, with their flags as RFC 4271 §5 prescribes.
export const ORIGIN_IGP = attr(0x40, 1, '00');
export const AS_PATH_EMPTY = attr(0x40, 2, '');
/** AS_SEQUENCE 65001 on a 2-octet session. */
export const AS_PATH_2 = attr(0x40, 2, '02 01 fde9');
/** AS_SEQUENCE 65001 on a 4-octet session. */
export const AS_PATH_4 = attr(0x40, 2, '02 01 0000fde9');
export const NEXT_HOP_192_0_2_1 = attr(0x40, 3, 'c0000201');
/** The three well-known mandatory attributes for a 2-octet session. */
export const MANDATORY_2 = ORIGIN_IGP + AS_PATH_2 + NEXT_HOP_192_0_2_1;
export const MANDATORY_4 = ORIGIN_IGP + AS_PATH_4 + NEXT_HOP_192_0_2_1;
/** 10.0.0.0/24 as NLRI */
export const NLRI_10_0_0 = '18 0a0000';

/** Asserts a NOTIFICATION outcome with exactly this code, subcode and data. */
export function expectNotification(r: DecodeResult, code: number, subcode: number, dataHex = ''): NotificationSpec {
  expect(r.outcome).toBe('notification');
  if (r.outcome !== 'notification') throw new Error('unreachable');
  expect({ code: r.notification.code, subcode: r.notification.subcode, data: toHex(r.notification.data) }).toEqual({
    code,
    subcode,
    data: dataHex.replace(/\s+/g, ''),
  });
  return r.notification;
}

/** Narrows a result to one that carries a message, failing the test otherwise. */
export function expectMessage(r: DecodeResult, outcome: 'ok' | 'treat-as-withdraw' | 'attribute-discard' = 'ok') {
  if (r.outcome === 'incomplete' || r.outcome === 'notification' || r.outcome !== outcome) {
    const shown = r.outcome === 'notification' ? { ...r, notification: { ...r.notification, data: toHex(r.notification.data) } } : r;
    throw new Error(`expected ${outcome}, got ${JSON.stringify(shown)}`);
  }
  return r;
}
