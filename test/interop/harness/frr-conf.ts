// FRR bgpd configuration text and the JSON parsers for `vtysh` output.
import {
  arr,
  field,
  isObject,
  neighborFamilies,
  normalizeCommunity,
  normalizeState,
  num,
  str,
  type Family,
  type Json,
  type LastError,
  type BfdSpec,
  type NeighborSpec,
  type Route,
  type RouteSpec,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

/** `set` lines of the route-map that carries a route's attributes. */
export function routeMapSets(r: RouteSpec): string[] {
  const sets: string[] = [];
  if (r.communities !== undefined && r.communities.length > 0) sets.push(`set community ${r.communities.join(' ')}`);
  if (r.largeCommunities !== undefined && r.largeCommunities.length > 0) {
    sets.push(`set large-community ${r.largeCommunities.join(' ')}`);
  }
  if (r.med !== undefined) sets.push(`set metric ${r.med}`);
  if (r.localPref !== undefined) sets.push(`set local-preference ${r.localPref}`);
  if (r.nextHop !== undefined) {
    sets.push(r.nextHop.includes(':') ? `set ipv6 next-hop global ${r.nextHop}` : `set ip next-hop ${r.nextHop}`);
  }
  return sets;
}

function afiOf(prefix: string): string {
  return prefix.includes(':') ? 'ipv6 unicast' : 'ipv4 unicast';
}

function neighborLines(n: NeighborSpec): string[] {
  const a = n.address;
  const hold = n.holdTime ?? 90;
  const lines = [
    ` neighbor ${a} remote-as ${n.remoteAs}`,
    ` neighbor ${a} timers ${Math.max(1, Math.floor(hold / 3))} ${hold}`,
    // Reconnect quickly after a test breaks a session.
    ` neighbor ${a} timers connect 1`,
  ];
  if (n.iface !== undefined) lines.push(` neighbor ${a} interface ${n.iface}`);
  if (n.passive) lines.push(` neighbor ${a} passive`);
  if (n.port !== undefined) lines.push(` neighbor ${a} port ${n.port}`);
  if (n.localAddress !== undefined) lines.push(` neighbor ${a} update-source ${n.localAddress}`);
  if (n.gracefulRestart === true) lines.push(` neighbor ${a} graceful-restart`);
  if (n.gracefulRestart === false) lines.push(` neighbor ${a} graceful-restart-disable`);
  if (n.bfd) lines.push(` neighbor ${a} bfd`, ` neighbor ${a} bfd profile ${FRR_BFD_PROFILE}`);
  if (a.includes(':') && neighborFamilies(n).includes('ipv4')) lines.push(` neighbor ${a} capability extended-nexthop`);
  return lines;
}

export interface FrrConfigInput extends SpeakerSpec {
  hostname: string;
  /** Route-map name per originated prefix (routes without attributes have none). */
  routeMaps: Map<string, string>;
  routes: RouteSpec[];
}

export const FRR_BFD_PROFILE = 'necod_test';

/**
 * bfdd's config: one profile with the first BFD neighbor's settings (bfdd has no authentication),
 * and the sessions configured in bfdd itself (`peer X multihop local-address Y` blocks).
 */
export function frrBfdConfig(hostname: string, neighbors: readonly NeighborSpec[], peers: readonly FrrBfdPeer[] = []): string | null {
  const b = neighbors.flatMap((n) => (n.bfd ? [n.bfd] : []))[0];
  if (b === undefined && peers.length === 0) return null;
  const timers = (s: BfdSpec, indent: string) => [`${indent}detect-multiplier ${s.multiplier}`, `${indent}receive-interval ${s.intervalMs}`, `${indent}transmit-interval ${s.intervalMs}`];
  return [
    `hostname ${hostname}-bfdd`,
    'bfd',
    ...(b === undefined ? [] : [` profile ${FRR_BFD_PROFILE}`, ...timers(b, '  '), ' !']),
    ...peers.flatMap((p) => [` peer ${p.peer}${p.multihop ? ' multihop' : ''} local-address ${p.local}`, ...timers(p.bfd, '  '), ' !']),
    '!',
    '',
  ].join('\n');
}

/** A session configured in bfdd itself rather than asked for by bgpd. */
export interface FrrBfdPeer {
  peer: string;
  local: string;
  multihop: boolean;
  bfd: BfdSpec;
}

/** `show bfd peers json` → peer address → state (up, down, init, shutdown) and the remote's intervals. */
export function parseFrrBfdPeers(doc: unknown): Map<string, { status: string; remoteTransmitInterval: number; transmitInterval: number; diagnostic: string; remoteDiagnostic: string }> {
  const out = new Map<string, { status: string; remoteTransmitInterval: number; transmitInterval: number; diagnostic: string; remoteDiagnostic: string }>();
  for (const p of arr(doc)) {
    const peer = field(p, 'peer');
    if (typeof peer !== 'string') continue;
    out.set(peer, {
      status: String(field(p, 'status')),
      remoteTransmitInterval: Number(field(p, 'remote-transmit-interval')),
      transmitInterval: Number(field(p, 'transmit-interval')),
      diagnostic: String(field(p, 'diagnostic')),
      remoteDiagnostic: String(field(p, 'remote-diagnostic')),
    });
  }
  return out;
}

export function frrConfig(c: FrrConfigInput): string {
  const lines = [
    'frr defaults traditional',
    `hostname ${c.hostname}`,
    '!',
    `router bgp ${c.asn}`,
    ` bgp router-id ${c.routerId}`,
    // Test peers exchange everything: no RFC 8212 default-deny, no IGP check for `network`.
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
  ];
  if (c.clusterId !== undefined) lines.push(` bgp cluster-id ${c.clusterId}`);
  for (const n of c.neighbors) lines.push(...neighborLines(n));
  for (const family of ['ipv4', 'ipv6'] as const) {
    const afi = family === 'ipv4' ? 'ipv4 unicast' : 'ipv6 unicast';
    lines.push(` address-family ${afi}`);
    for (const r of c.routes) {
      if (afiOf(r.prefix) !== afi) continue;
      const rm = c.routeMaps.get(r.prefix);
      lines.push(`  network ${r.prefix}${rm !== undefined ? ` route-map ${rm}` : ''}`);
    }
    for (const n of c.neighbors) {
      if (!neighborFamilies(n).includes(family)) continue;
      lines.push(`  neighbor ${n.address} activate`);
      if (n.routeReflectorClient) lines.push(`  neighbor ${n.address} route-reflector-client`);
      if (n.addPath === 'tx' || n.addPath === 'both') lines.push(`  neighbor ${n.address} addpath-tx-all-paths`);
    }
    lines.push(' exit-address-family');
  }
  lines.push('!');
  for (const r of c.routes) {
    const rm = c.routeMaps.get(r.prefix);
    if (rm === undefined) continue;
    lines.push(`route-map ${rm} permit 10`, ...routeMapSets(r).map((s) => ` ${s}`), '!');
  }
  return `${lines.join('\n')}\n`;
}

function parseAsPath(aspath: unknown): number[] {
  const out: number[] = [];
  for (const seg of arr(field(aspath, 'segments'))) {
    for (const asn of arr(field(seg, 'list'))) if (typeof asn === 'number') out.push(asn);
  }
  return out;
}

function firstNextHop(path: unknown): string | null {
  const hops = arr(field(path, 'nexthops'));
  // Prefer the global next hop over the link-local one FRR lists beside it.
  const global = hops.find((h) => str(field(h, 'scope')) !== 'link-local') ?? hops[0];
  return str(field(global, 'ip'));
}

/** Parses `show bgp <afi> unicast json detail`: `routes` maps a prefix to [header, ...paths]. */
export function parseFrrRoutes(doc: Json): Route[] {
  const routes: Route[] = [];
  const table = field(doc, 'routes');
  if (!isObject(table)) return routes;
  for (const [prefix, entries] of Object.entries(table)) {
    for (const p of arr(entries)) {
      if (field(p, 'aspath') === undefined && field(p, 'nexthops') === undefined) continue; // header
      const peerId = str(field(field(p, 'peer'), 'peerId'));
      const local = field(p, 'sourced') === true || field(p, 'local') === true || peerId === '0.0.0.0';
      routes.push({
        prefix,
        nextHop: firstNextHop(p),
        asPath: parseAsPath(field(p, 'aspath')),
        communities: arr(field(field(p, 'community'), 'list')).flatMap((c) =>
          typeof c === 'string' ? [normalizeCommunity(c)] : [],
        ),
        largeCommunities: arr(field(field(p, 'largeCommunity'), 'list')).flatMap((c) =>
          typeof c === 'string' ? [c] : [],
        ),
        localPref: num(field(p, 'locPrf')),
        med: num(field(p, 'metric')),
        peer: local ? null : peerId,
        best: field(field(p, 'bestpath'), 'overall') === true,
      });
    }
  }
  return routes;
}

/** `show bgp neighbors A json` → the object for A (FRR keys it by address). */
export function frrNeighbor(doc: Json, address: string): Record<string, unknown> {
  const n = field(doc, address);
  if (!isObject(n)) throw new Error(`FRR does not know neighbor ${address}: ${JSON.stringify(doc).slice(0, 200)}`);
  return n;
}

export function frrSessionState(n: Record<string, unknown>): SessionState {
  return normalizeState(str(n.bgpState) ?? 'Idle');
}

export function frrLastError(n: Record<string, unknown>): LastError | null {
  const codeSub = str(n.lastErrorCodeSubcode);
  const reason = str(n.lastNotificationReason);
  const due = str(n.lastResetDueTo);
  const message = str(n.lastShutdownDescription);
  if (codeSub !== null && /^[0-9a-f]{4}$/i.test(codeSub)) {
    const direction = due?.includes('received') ? 'received' : due?.includes('send') ? 'sent' : 'unknown';
    return {
      direction,
      code: parseInt(codeSub.slice(0, 2), 16),
      subcode: parseInt(codeSub.slice(2, 4), 16),
      message,
      text: [reason, due, message !== null ? `message: ${message}` : null].filter((s) => s !== null).join('; '),
    };
  }
  if (due === null) return null;
  // `neighbor A shutdown`: FRR sends Cease/Administrative Shutdown but records only the reset reason.
  if (due === 'Admin. shutdown') return { direction: 'sent', code: 6, subcode: 2, message: null, text: due };
  return { direction: 'unknown', code: null, subcode: null, message: null, text: due };
}

export function familyAfi(family: Family): string {
  return family === 'ipv4' ? 'ipv4 unicast' : 'ipv6 unicast';
}

export { afiOf };
