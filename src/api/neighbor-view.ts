// A session's status as the control API shows it. Pure mapping.
import type { PeerStatus } from '../bgp/peer-types.js';
import type { NeighborDetail, NeighborView } from './types.js';
import type { PeerRouteState } from '../routing/peer-routes.js';
import type { AddPathMode, NeighborConfig } from '../config/types.js';
import { errorCodeName, errorSubcodeName } from '../bgp/wire/index.js';
import { formatIpv4 } from '../net/index.js';

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

/** What the detail needs beyond the session's status: the routing side's counts and the configuration. */
export interface NeighborDetailInput {
  config: NeighborConfig;
  routes: PeerRouteState | null;
  prefixes: { received: number; best: number; exported: number };
}

function filterText(f: NeighborConfig['import'] | NeighborConfig['export']): string {
  return typeof f === 'object' ? `policy ${f.policy}` : f;
}

/** Seconds left, to the millisecond, as birdc shows its timers. */
function timersLeft(ms: PeerStatus['timersLeftMs']): NeighborDetail['timers'] {
  const seconds = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v) / 1000);
  return { hold: seconds(ms.Hold), keepalive: seconds(ms.Keepalive), connectRetry: seconds(ms.ConnectRetry), idleHold: seconds(ms.IdleHold), delayOpen: seconds(ms.DelayOpen) };
}

export function neighborDetail(s: PeerStatus, input: NeighborDetailInput): NeighborDetail {
  const n = s.negotiated;
  const c = input.config;
  const routes = input.routes;
  return {
    local: s.local,
    remote: s.remote,
    connectRetryCounter: s.connectRetryCounter,
    peerRouterId: n ? formatIpv4(n.peerRouterId) : null,
    peerHostname: n?.peerHostname ?? null,
    peerCapabilities: n ? [...new Set(n.peerCapabilities.map((cap) => cap.name))] : [],
    configured: {
      holdTime: c.holdTime,
      keepaliveTime: c.keepaliveTime,
      passive: c.passive,
      families: [...c.families],
      capabilities: { ...c.capabilities },
      import: filterText(c.import),
      export: filterText(c.export),
    },
    prefixes: {
      ...input.prefixes,
      filtered: routes?.updatesRejected.policy ?? 0,
      stale: routes?.stale ?? 0,
    },
    timers: timersLeft(s.timersLeftMs),
    rejectedUpdates: Object.fromEntries(Object.entries(routes?.updatesRejected ?? {}).filter(([k]) => k !== 'policy')),
    gracefulRestart: {
      negotiated: n?.gracefulRestart != null,
      endOfRib: routes ? [...routes.endOfRib] : [],
      staleUntil: routes?.staleUntil ? new Date(routes.staleUntil).toISOString() : null,
    },
  };
}
