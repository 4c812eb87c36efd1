// From a neighbor's configuration to the options of its BGP session. Pure mapping.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { PeerOptions } from '../bgp/peer-types.js';
import type { AddPathSetting, SessionSettings } from '../bgp/negotiate.js';
import { parseIpv4, type Family } from '../net/index.js';
import type { NecodConfig, NeighborConfig } from '../config/types.js';

export interface SessionEnvironment {
  /** necod found routes of its own in the kernel at start: it is restarting (RFC 4724 R bit). */
  restarting: boolean;
  /** Families whose forwarding state survived the restart (F bit). */
  forwardingPreserved: Family[];
  logger: Logger;
}

export function sessionSettings(config: NecodConfig, n: NeighborConfig, env: Pick<SessionEnvironment, 'restarting' | 'forwardingPreserved'>): SessionSettings {
  const caps = n.capabilities;
  const addPath: Partial<Record<Family, AddPathSetting>> = {};
  if (caps.addPath !== 'none') for (const f of n.families) addPath[f] = caps.addPath;
  return {
    routerId: parseIpv4(config.routerId) ?? 0,
    localAs: config.asn,
    remoteAs: n.remoteAs,
    holdTime: n.holdTime,
    keepaliveTime: n.keepaliveTime,
    families: n.families,
    capabilities: {
      fourOctetAs: caps.fourOctetAs,
      routeRefresh: caps.routeRefresh,
      enhancedRouteRefresh: caps.enhancedRouteRefresh,
      gracefulRestart: caps.gracefulRestart
        ? { restartTime: n.gracefulRestartTime, restarting: env.restarting, forwarding: env.restarting ? env.forwardingPreserved.filter((f) => n.families.includes(f)) : [] }
        : null,
      addPath,
      extendedMessage: caps.extendedMessage,
      prefixOrf: caps.prefixOrf,
      fqdn: { hostname: hostname().split('.')[0] ?? '', domain: '' },
    },
  };
}

export function peerOptions(config: NecodConfig, n: NeighborConfig, env: SessionEnvironment): PeerOptions {
  return {
    name: n.name,
    address: n.address,
    port: n.port,
    localAddress: n.localAddress,
    passive: n.passive,
    session: sessionSettings(config, n, env),
    timing: {
      connectRetryMs: n.connectRetryTime * 1000,
      delayOpenMs: n.delayOpenTime * 1000,
    },
    maxPrefixes: n.maxPrefixes ? { limit: n.maxPrefixes.limit, restartMs: n.maxPrefixes.restartTime * 1000 } : null,
    logger: env.logger,
  };
}
