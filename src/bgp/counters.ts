// Per-neighbor statistics and last error as plain data, and the pure counting of prefixes in an UPDATE.
import type { Family } from '../net/index.js';
import {
  MESSAGE_TYPE_NAMES,
  describeNotification,
  familyOf,
  shutdownCommunication,
  toHex,
  type MessageTypeName,
  type UpdateMessage,
} from './wire/index.js';
import type { FsmError, UpdateOutcome } from './fsm-types.js';

/** A NOTIFICATION sent or received, or a local reason, ready for the API. */
export interface PeerLastError {
  time: number;
  direction: 'sent' | 'received' | 'local';
  code: number | null;
  subcode: number | null;
  /** "Cease/Administrative Shutdown", or the local reason. */
  name: string;
  /** RFC 9003 text of a Cease/Administrative Shutdown or Reset. */
  shutdownCommunication: string | null;
  /** NOTIFICATION data as hex. */
  data: string;
  reason: string;
}

export type MessageCounts = Record<MessageTypeName, number>;


export interface PeerCounters {
  messagesIn: MessageCounts;
  messagesOut: MessageCounts;
  updatesIn: number;
  updatesOut: number;
  /** Prefixes announced to necod (NLRI and MP_REACH_NLRI). */
  prefixesReceived: number;
  /** Prefixes withdrawn from necod (Withdrawn Routes, MP_UNREACH_NLRI, RFC 7606 treat-as-withdraw). */
  prefixesWithdrawn: number;
  /** Times an Established session went down. */
  flaps: number;
  /** Epoch ms the current session reached Established, or null. */
  establishedSince: number | null;
  lastStateChange: number;
  lastStateChangeReason: string;
}

export function emptyMessageCounts(): MessageCounts {
  return { OPEN: 0, UPDATE: 0, NOTIFICATION: 0, KEEPALIVE: 0, 'ROUTE-REFRESH': 0 };
}

export function newCounters(now: number): PeerCounters {
  return {
    messagesIn: emptyMessageCounts(),
    messagesOut: emptyMessageCounts(),
    updatesIn: 0,
    updatesOut: 0,
    prefixesReceived: 0,
    prefixesWithdrawn: 0,
    flaps: 0,
    establishedSince: null,
    lastStateChange: now,
    lastStateChangeReason: 'created',
  };
}

/** The message type named in a header, or null for an unknown one. */
export function messageTypeOf(bytes: Uint8Array): MessageTypeName | null {
  return bytes.length >= 19 ? MESSAGE_TYPE_NAMES[bytes[18]!] ?? null : null;
}

export interface PrefixTally {
  announced: Record<Family, number>;
  withdrawn: Record<Family, number>;
}

/** Counts the prefixes an UPDATE announces and withdraws, per family. */
export function tallyUpdate(msg: UpdateMessage, outcome: UpdateOutcome): PrefixTally {
  const announced = { ipv4: msg.nlri.count, ipv6: 0 };
  const withdrawn = { ipv4: msg.withdrawn.count, ipv6: 0 };
  for (const a of msg.attributes) {
    if (a.name === 'MP_REACH_NLRI' && a.value.nlri) {
      const f = familyOf(a.value.afi, a.value.safi);
      if (f) announced[f] += a.value.nlri.count;
    } else if (a.name === 'MP_UNREACH_NLRI' && a.value.withdrawn) {
      const f = familyOf(a.value.afi, a.value.safi);
      if (f) withdrawn[f] += a.value.withdrawn.count;
    }
  }
  if (outcome === 'treat-as-withdraw') {
    // RFC 7606 §2: the announced routes count as withdrawn.
    withdrawn.ipv4 += announced.ipv4;
    withdrawn.ipv6 += announced.ipv6;
    announced.ipv4 = 0;
    announced.ipv6 = 0;
  }
  return { announced, withdrawn };
}

/** The last error as the API shows it. */
export function toLastError(e: FsmError): PeerLastError {
  const n = e.notification;
  return {
    time: e.time,
    direction: e.direction,
    code: n ? n.code : null,
    subcode: n ? n.subcode : null,
    name: n ? describeNotification(n) : e.reason,
    shutdownCommunication: n ? shutdownCommunication(n) : null,
    data: n ? toHex(n.data) : '',
    reason: e.reason,
  };
}
