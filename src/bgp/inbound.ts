// What a received message means to the FSM: decode results in, FSM events out. Pure.
import { OrfType, type DecodeResult, type RefreshOrf } from './wire/index.js';
import type { FsmEvent } from './fsm-types.js';

export type ReceivedResult = Exclude<DecodeResult, { outcome: 'incomplete' }>;

/**
 * The ORF of a refresh as far as the session agreed to it: RFC 5291 §5 has entries of a type
 * not negotiated ignored. necod negotiates the Address Prefix ORF (RFC 5292) only; null when
 * nothing is left, so the message is a plain refresh.
 */
export function negotiatedOrf(orf: RefreshOrf | null, prefixOrf: boolean): RefreshOrf | null {
  if (!orf || !prefixOrf) return null;
  const groups = orf.groups.filter((g) => g.type === OrfType.ADDRESS_PREFIX);
  return groups.length ? { ...orf, groups } : null;
}

/** The FSM event for a decoded message (RFC 4271 §8.1.4, §8.1.5). */
export function inboundEvent(r: ReceivedResult): FsmEvent {
  if (r.outcome === 'notification') {
    const { notification, reason } = r;
    switch (r.messageType) {
      case 'OPEN':
        return { type: 'BGPOpenMsgErr', notification, reason };
      case 'UPDATE':
        return { type: 'UpdateMsgErr', notification, reason };
      case 'ROUTE-REFRESH':
        return { type: 'RouteRefreshMsgErr', notification, reason };
      default:
        return { type: 'BGPHeaderErr', notification, reason };
    }
  }
  const m = r.message;
  switch (m.type) {
    case 'OPEN':
      return { type: 'BGPOpen', open: m };
    case 'KEEPALIVE':
      return { type: 'KeepAliveMsg' };
    case 'UPDATE':
      return { type: 'UpdateMsg', message: m, outcome: r.outcome, issues: r.issues };
    case 'NOTIFICATION':
      return { type: 'NotifMsg', notification: m };
    case 'ROUTE-REFRESH':
      return { type: 'RouteRefreshMsg', afi: m.afi, safi: m.safi, subtype: m.subtype, orf: m.orf };
  }
}
