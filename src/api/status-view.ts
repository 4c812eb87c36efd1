// GET /v1/status as plain data: the daemon's identity, uptime and counts. Pure mapping.
import { NECOD_VERSION } from '../util/version.js';
import type { NecodConfig } from '../config/types.js';
import type { Rib } from '../rib/rib.js';
import { familyOfKey } from '../rib/route-key.js';
import type { KernelSummary } from './kernel-view.js';
import type { NeighborView, StatusView } from './types.js';

/** Loc-RIB routes per family: one pass over the table (about 10 ms for a million routes). */
export function routesByFamily(rib: Rib): { ipv4: number; ipv6: number } {
  let ipv6 = 0;
  rib.forEachRoute((key) => {
    if (familyOfKey(key) === 'ipv6') ipv6++;
  });
  return { ipv4: rib.size - ipv6, ipv6 };
}

export interface StatusInput {
  config: Pick<NecodConfig, 'routerId' | 'asn'>;
  startedAt: number;
  now: number;
  neighbors: readonly NeighborView[];
  routes: { ipv4: number; ipv6: number };
  kernel: KernelSummary | null;
  ready: boolean;
}

export function statusView(i: StatusInput): StatusView {
  const byState: StatusView['neighbors']['byState'] = {};
  for (const n of i.neighbors) byState[n.state] = (byState[n.state] ?? 0) + 1;
  const bfd: Record<string, number> = {};
  for (const n of i.neighbors) if (n.bfd) bfd[n.bfd] = (bfd[n.bfd] ?? 0) + 1;
  return {
    version: NECOD_VERSION,
    routerId: i.config.routerId,
    asn: i.config.asn,
    startedAt: new Date(i.startedAt).toISOString(),
    uptimeSeconds: Math.floor((i.now - i.startedAt) / 1000),
    ready: i.ready,
    neighbors: { total: i.neighbors.length, byState },
    routes: i.routes,
    kernel: i.kernel
      ? { enabled: true, installed: i.kernel.installed, pending: i.kernel.pending, failed: i.kernel.failed }
      : { enabled: false, installed: 0, pending: 0, failed: 0 },
    ...(Object.keys(bfd).length > 0 ? { bfd } : {}),
  };
}
