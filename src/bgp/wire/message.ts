// Message framing and dispatch (RFC 4271 §4.1, §6.1). The one public decoder: it never
// throws for bad input, it returns what a correct speaker does about it.
import {
  HEADER_LENGTH,
  HeaderSubcode,
  MARKER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MESSAGE_TYPE_NAMES,
  MessageType,
  type MessageTypeName,
} from './constants.js';
import type { CodecContext } from './context.js';
import { WireError, u16, type NotificationSpec } from './errors.js';
import type { AttributeIssue } from './attributes.js';
import { checkOpen, decodeOpenBody, encodeOpen, type OpenMessage } from './open.js';
import { decodeNotificationBody, encodeNotification, type NotificationMessage } from './notification.js';
import { decodeRouteRefreshBody, encodeRouteRefresh, type RouteRefreshMessage } from './route-refresh.js';
import { decodeUpdateBody, encodeUpdate, type UpdateMessage } from './update.js';

export interface KeepaliveMessage {
  type: 'KEEPALIVE';
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

export type DecodeResult =
  | {
      outcome: 'ok' | 'treat-as-withdraw' | 'attribute-discard';
      message: BgpMessage;
      /** bytes the message took */
      length: number;
      /** RFC 7606 findings (UPDATE only) */
      issues: AttributeIssue[];
      discarded: number[];
    }
  | {
      outcome: 'notification';
      notification: NotificationSpec;
      reason: string;
      /** the message type when the header got that far */
      messageType: MessageTypeName | null;
      /** bytes the message took, or null when the header itself is unusable */
      length: number | null;
    }
  | {
      outcome: 'incomplete';
      /** total bytes needed before the message can be decoded */
      needed: number;
    };

const MIN_LENGTH: Record<number, number> = {
  [MessageType.OPEN]: 29,
  [MessageType.UPDATE]: 23,
  [MessageType.NOTIFICATION]: 21,
  [MessageType.KEEPALIVE]: 19,
  [MessageType.ROUTE_REFRESH]: 23,
};

/** RFC 8654 §4: OPEN and KEEPALIVE stay within 4096 even with extended messages. */
function maxLengthFor(type: number, ctx: CodecContext): number {
  if (type === MessageType.OPEN || type === MessageType.KEEPALIVE) return MAX_MESSAGE_LENGTH;
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

export type HeaderCheck =
  | { ok: true; length: number; type: number }
  | { ok: false; notification: NotificationSpec; reason: string }
  | { ok: 'incomplete'; needed: number };

/**
 * Checks the header at buf[offset]. A stream reader calls this as soon as 19 bytes are in,
 * so a bad header is answered without waiting for a body that may never come.
 */
export function checkHeader(buf: Uint8Array, offset: number, ctx: CodecContext): HeaderCheck {
  if (buf.length - offset < HEADER_LENGTH) return { ok: 'incomplete', needed: HEADER_LENGTH };
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (buf[offset + i] !== 0xff) {
      return { ok: false, notification: { code: 1, subcode: HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED, data: new Uint8Array(0) }, reason: 'marker is not all ones' };
    }
  }
  // The header's 19 bytes are there (checked above).
  const length = (buf[offset + 16]! << 8) | buf[offset + 17]!;
  const type = buf[offset + 18]!;
  const min = MIN_LENGTH[type];
  if (length < HEADER_LENGTH || length > maxLengthFor(type, ctx) || (min !== undefined && length < min) || (type === MessageType.KEEPALIVE && length !== HEADER_LENGTH)) {
    // RFC 4271 §6.1: data is the erroneous Length field.
    return { ok: false, notification: { code: 1, subcode: HeaderSubcode.BAD_MESSAGE_LENGTH, data: u16(length) }, reason: `bad message length ${length} for type ${type}` };
  }
  if (min === undefined) {
    return { ok: false, notification: { code: 1, subcode: HeaderSubcode.BAD_MESSAGE_TYPE, data: Uint8Array.of(type) }, reason: `unknown message type ${type}` };
  }
  if (buf.length - offset < length) return { ok: 'incomplete', needed: length };
  return { ok: true, length, type };
}

/** Decodes the message starting at buf[offset]. */
export function decodeMessage(buf: Uint8Array, ctx: CodecContext, offset = 0): DecodeResult {
  const head = checkHeader(buf, offset, ctx);
  if (head.ok === 'incomplete') return { outcome: 'incomplete', needed: head.needed };
  if (head.ok === false) {
    const type = buf.length - offset >= HEADER_LENGTH ? MESSAGE_TYPE_NAMES[buf[offset + 18]!] ?? null : null;
    return { outcome: 'notification', notification: head.notification, reason: head.reason, messageType: type, length: null };
  }
  const { length, type } = head;
  const start = offset + HEADER_LENGTH;
  const end = offset + length;
  const typeName = MESSAGE_TYPE_NAMES[type] ?? null;
  try {
    switch (type) {
      case MessageType.OPEN: {
        const open = decodeOpenBody(buf, start, end);
        const problem = checkOpen(open);
        if (problem) throw problem;
        return { outcome: 'ok', message: open, length, issues: [], discarded: [] };
      }
      case MessageType.UPDATE: {
        const r = decodeUpdateBody(buf, start, end, ctx);
        return { outcome: r.outcome, message: r.message, length, issues: r.issues, discarded: r.discarded };
      }
      case MessageType.NOTIFICATION:
        return { outcome: 'ok', message: decodeNotificationBody(buf, start, end), length, issues: [], discarded: [] };
      case MessageType.KEEPALIVE:
        return { outcome: 'ok', message: { type: 'KEEPALIVE' }, length, issues: [], discarded: [] };
      case MessageType.ROUTE_REFRESH:
        return { outcome: 'ok', message: decodeRouteRefreshBody(buf, start, end, offset), length, issues: [], discarded: [] };
    }
  } catch (err) {
    if (err instanceof WireError) {
      return { outcome: 'notification', notification: err.notification, reason: err.message, messageType: typeName, length };
    }
    throw err;
  }
  // Unreachable: checkHeader rejects unknown types.
  return { outcome: 'notification', notification: { code: 1, subcode: 3, data: Uint8Array.of(type) }, reason: `unknown type ${type}`, messageType: null, length };
}

const KEEPALIVE = (() => {
  const b = new Uint8Array(HEADER_LENGTH);
  b.fill(0xff, 0, 16);
  b[17] = HEADER_LENGTH;
  b[18] = MessageType.KEEPALIVE;
  return b;
})();

export function encodeKeepalive(): Uint8Array {
  return KEEPALIVE.slice();
}

export function encodeMessage(msg: BgpMessage, ctx: CodecContext): Uint8Array {
  switch (msg.type) {
    case 'OPEN':
      return encodeOpen(msg);
    case 'UPDATE':
      return encodeUpdate(msg, ctx);
    case 'NOTIFICATION':
      return encodeNotification(msg.code, msg.subcode, msg.data);
    case 'KEEPALIVE':
      return encodeKeepalive();
    case 'ROUTE-REFRESH':
      return encodeRouteRefresh(msg.afi, msg.safi, msg.subtype, msg.orf);
  }
}
