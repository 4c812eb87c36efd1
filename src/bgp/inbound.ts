// What a received message means to the FSM: decode results in, FSM events out. Pure.
import type { DecodeResult } from './wire/index.js';
import type { FsmEvent } from './fsm-types.js';

export type ReceivedResult = Exclude<DecodeResult, { outcome: 'incomplete' }>;

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
      return { type: 'RouteRefreshMsg', afi: m.afi, safi: m.safi, subtype: m.subtype };
  }
}
