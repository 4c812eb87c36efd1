// NOTIFICATION (RFC 4271 §4.5) with the RFC 9003 shutdown communication and the RFC 4486
// maximum-prefix data.
import { toHex } from './hex.js';
import { CeaseSubcode, ErrorCode, HEADER_LENGTH, MessageType, errorCodeName, errorSubcodeName } from './constants.js';
import { WireReader, shortBody } from './reader.js';

export interface NotificationMessage {
  type: 'NOTIFICATION';
  code: number;
  subcode: number;
  data: Uint8Array;
}

/** RFC 9003 §2: up to 255 octets of UTF-8. */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

export function decodeNotificationBody(buf: Uint8Array, start: number, end: number): NotificationMessage {
  const r = new WireReader(buf, start, end, shortBody);
  const code = r.u8('error code');
  const subcode = r.u8('error subcode');
  return { type: 'NOTIFICATION', code, subcode, data: r.rest() };
}

export function encodeNotification(code: number, subcode: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  // The whole message must fit 4096 bytes; data past that is cut (RFC 4271 §4.5 has no other limit).
  const body = data.subarray(0, 4096 - HEADER_LENGTH - 2);
  const out = new Uint8Array(HEADER_LENGTH + 2 + body.length);
  out.fill(0xff, 0, 16);
  out[16] = out.length >>> 8;
  out[17] = out.length & 0xff;
  out[18] = MessageType.NOTIFICATION;
  out[19] = code;
  out[20] = subcode;
  out.set(body, 21);
  return out;
}

function carriesShutdownCommunication(code: number, subcode: number): boolean {
  return code === ErrorCode.CEASE && (subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || subcode === CeaseSubcode.ADMINISTRATIVE_RESET);
}

/** RFC 9003 §2: length octet + UTF-8, cut at a character boundary to fit 255 octets. */
export function encodeShutdownCommunication(text: string): Uint8Array {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_SHUTDOWN_COMMUNICATION) {
    let cut = MAX_SHUTDOWN_COMMUNICATION;
    while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
    bytes = bytes.subarray(0, cut);
  }
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/**
 * The shutdown communication text, or null when there is none or it is malformed
 * (RFC 9003 §4: a malformed one is ignored, the NOTIFICATION still counts).
 */
export function shutdownCommunication(n: Pick<NotificationMessage, 'code' | 'subcode' | 'data'>): string | null {
  if (!carriesShutdownCommunication(n.code, n.subcode) || n.data.length < 1) return null;
  const len = n.data[0];
  if (len === undefined || len === 0 || len + 1 > n.data.length) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(n.data.subarray(1, 1 + len));
  } catch {
    return null;
  }
}

/** RFC 4486 §4: AFI, SAFI and the configured upper bound. */
export function maxPrefixData(afi: number, safi: number, limit: number): Uint8Array {
  return Uint8Array.of(afi >>> 8, afi & 0xff, safi, limit >>> 24, (limit >>> 16) & 0xff, (limit >>> 8) & 0xff, limit & 0xff);
}

export function notificationToJSON(n: NotificationMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    code: n.code,
    subcode: n.subcode,
    code_name: errorCodeName(n.code),
    subcode_name: errorSubcodeName(n.code, n.subcode),
    data: toHex(n.data),
  };
  const text = shutdownCommunication(n);
  if (text !== null) out.shutdown_communication = text;
  if (n.code === ErrorCode.CEASE && n.subcode === CeaseSubcode.MAX_PREFIXES && n.data.length === 7) {
    const [d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0] = n.data; // length 7, checked above
    out.max_prefixes = { afi: (d0 << 8) | d1, safi: d2, limit: ((d3 << 24) >>> 0) + (d4 << 16) + (d5 << 8) + d6 };
  }
  return out;
}

/** One line for logs: "Cease/Administrative Shutdown (text)". */
export function describeNotification(n: Pick<NotificationMessage, 'code' | 'subcode' | 'data'>): string {
  const text = shutdownCommunication(n);
  return `${errorCodeName(n.code)}/${errorSubcodeName(n.code, n.subcode)}${text ? ` "${text}"` : ''}`;
}
