// A session's status as the control API shows it. Pure mapping.
import type { PeerStatus } from '../bgp/peer-types.js';
import type { NeighborView } from './types.js';
import type { AddPathMode } from '../config/types.js';
import { errorCodeName, errorSubcodeName } from '../bgp/wire/index.js';

function addPathMode(receive: boolean, send: boolean): AddPathMode {
  if (receive && send) return 'both';
  if (receive) return 'receive';
  if (send) return 'send';
  return 'none';
}

export function neighborView(s: PeerStatus, remoteAs: number, localAs: number, prefixesHeld: number): NeighborView {
  const n = s.negotiated;
  const counts = (c: PeerStatus['counters']['messagesIn']) => ({
    open: c.OPEN,
    update: c.UPDATE,
    notification: c.NOTIFICATION,
    keepalive: c.KEEPALIVE,
    routeRefresh: c['ROUTE-REFRESH'],
  });
  const e = s.lastError;
  return {
    name: s.name,
    address: s.address,
    remoteAs,
    localAs,
    state: s.state,
    since: new Date(s.since).toISOString(),
    uptimeSeconds: s.uptimeMs === null ? null : Math.floor(s.uptimeMs / 1000),
    lastStateChangeReason: s.sinceReason,
    capabilities: n
      ? {
          fourOctetAs: n.as4,
          routeRefresh: n.routeRefresh,
          enhancedRouteRefresh: n.enhancedRouteRefresh,
          gracefulRestart: n.gracefulRestart !== null,
          addPath: {
            ipv4: addPathMode(n.addPath.receive.ipv4, n.addPath.send.ipv4),
            ipv6: addPathMode(n.addPath.receive.ipv6, n.addPath.send.ipv6),
          },
          extendedMessage: n.extendedMessage,
          families: [...n.families],
          holdTime: n.holdTime,
          keepaliveTime: n.keepaliveTime,
        }
      : null,
    counters: {
      messagesIn: counts(s.counters.messagesIn),
      messagesOut: counts(s.counters.messagesOut),
      updatesIn: s.counters.updatesIn,
      updatesOut: s.counters.updatesOut,
      prefixesReceived: prefixesHeld,
      prefixesWithdrawn: s.counters.prefixesWithdrawn,
      flaps: s.counters.flaps,
    },
    lastError: e
      ? {
          time: new Date(e.time).toISOString(),
          direction: e.direction,
          code: e.code ?? 0,
          subcode: e.subcode ?? 0,
          codeName: e.code === null ? e.name : errorCodeName(e.code),
          subcodeName: e.code === null ? e.reason : errorSubcodeName(e.code, e.subcode ?? 0),
          ...(e.shutdownCommunication ? { text: e.shutdownCommunication } : e.direction === 'local' ? { text: e.reason } : {}),
        }
      : null,
  };
}
