// BIRD 2 speaks text only: config generation and parsers for `birdc` output.
import {
  codeForText,
  neighborFamilies,
  normalizeCommunity,
  type Family,
  type LastError,
  type NeighborSpec,
  type Route,
  type RouteSpec,
  type SessionState,
  normalizeState,
} from './types.js';

/** BIRD protocol names are symbols: the neighbor address with separators replaced. */
export function birdProtoName(address: string): string {
  return `n_${address.replace(/[^0-9A-Za-z]/g, '_')}`;
}

function routeBlock(r: RouteSpec): string {
  const stmts: string[] = [];
  for (const c of r.communities ?? []) stmts.push(`bgp_community.add((${c.split(':').join(',')}));`);
  for (const c of r.largeCommunities ?? []) stmts.push(`bgp_large_community.add((${c.split(':').join(',')}));`);
  if (r.med !== undefined) stmts.push(`bgp_med = ${r.med};`);
  if (r.localPref !== undefined) stmts.push(`bgp_local_pref = ${r.localPref};`);
  if (r.nextHop !== undefined) stmts.push(`bgp_next_hop = ${r.nextHop};`);
  // Blackhole: the route needs no reachable gateway; BGP export still sends it.
  return `  route ${r.prefix} blackhole${stmts.length > 0 ? ` { ${stmts.join(' ')} }` : ''};`;
}

function channel(family: Family, n: NeighborSpec, ibgp: boolean, sessionFamily: Family): string {
  const opts = ['import all;', 'export all;'];
  if (n.addPath !== undefined) opts.push(`add paths ${n.addPath === 'both' ? 'on' : n.addPath};`);
  // iBGP next hops on the shared subnet resolve without an IGP table; beyond a router they are
  // resolved recursively in the master table.
  if (ibgp && n.multihop !== true) opts.push('gateway direct;');
  if (family === 'ipv4' && sessionFamily === 'ipv6') opts.push('extended next hop on;');
  return `  ${family} { ${opts.join(' ')} };`;
}

export interface BirdConfigInput {
  asn: number;
  routerId: string;
  listenPort?: number;
  clusterId?: string;
  neighbors: NeighborSpec[];
  routes: RouteSpec[];
}

export function birdConfig(c: BirdConfigInput): string {
  const lines: string[] = [
    `router id ${c.routerId};`,
    'log stderr all;',
    // State changes and connection events in the log, for failure output.
    'debug protocols { states, events };',
    'protocol device { scan time 10; }',
    'ipv4 table master4;',
    'ipv6 table master6;',
  ];
  for (const family of ['ipv4', 'ipv6'] as const) {
    lines.push(`protocol static static_${family} {`, `  ${family};`);
    for (const r of c.routes) if (r.prefix.includes(':') === (family === 'ipv6')) lines.push(routeBlock(r));
    lines.push('}');
  }
  lines.push(...birdBfd(c.neighbors));
  for (const n of c.neighbors) {
    const sessionFamily: Family = n.address.includes(':') ? 'ipv6' : 'ipv4';
    const ibgp = n.remoteAs === c.asn;
    const local = [
      'local',
      n.localAddress ?? '',
      c.listenPort !== undefined ? `port ${c.listenPort}` : '',
      `as ${c.asn};`,
    ].filter((s) => s !== '');
    const hold = n.holdTime ?? 90;
    lines.push(
      `protocol bgp ${birdProtoName(n.address)} {`,
      `  ${local.join(' ')}`,
      `  neighbor ${n.address}${n.port !== undefined ? ` port ${n.port}` : ''} as ${n.remoteAs};`,
      `  hold time ${hold};`,
      `  keepalive time ${Math.max(1, Math.floor(hold / 3))};`,
      // Tests break and restore sessions: reconnect within a second, not BIRD's default minutes.
      '  connect delay time 1;',
      '  connect retry time 1;',
      '  error wait time 1, 5;',
      `  graceful restart ${n.gracefulRestart ? 'on' : 'off'};`,
    );
    if (n.gracefulRestartTime !== undefined) lines.push(`  graceful restart time ${n.gracefulRestartTime};`);
    // BIRD treats iBGP as multihop, which refuses `gateway direct`: the neighbor is on the link.
    if (n.multihop === true) lines.push('  multihop;');
    else if (ibgp) lines.push('  direct;');
    if (n.iface !== undefined) lines.push(`  interface "${n.iface}";`);
    if (n.passive) lines.push('  passive on;');
    if (n.routeReflectorClient) {
      lines.push('  rr client on;');
      if (c.clusterId !== undefined) lines.push(`  rr cluster id ${c.clusterId};`);
    }
    if (n.bfd === false) lines.push('  bfd off;');
    else if (n.bfd !== undefined) lines.push('  bfd on;');
    for (const f of neighborFamilies(n)) lines.push(channel(f, n, ibgp, sessionFamily));
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `protocol bfd` for the neighbors with BFD: BIRD's intervals are per interface, so the first
 * such neighbor's settings apply to all (the tests give them the same).
 */
function birdBfd(neighbors: readonly NeighborSpec[]): string[] {
  const withBfd = neighbors.flatMap((n) => (n.bfd ? [n.bfd] : []));
  const b = withBfd[0];
  if (b === undefined) return [];
  const auth = b.auth
    ? [`    authentication ${b.auth.type === 'keyed-sha1' ? 'keyed sha1' : 'meticulous keyed sha1'};`, `    password "${b.auth.secret}" { id ${b.auth.keyId}; };`]
    : [];
  const options = [`    min rx interval ${b.intervalMs} ms;`, `    min tx interval ${b.intervalMs} ms;`, `    multiplier ${b.multiplier};`, ...auth];
  // Multihop sessions (an iBGP neighbor beyond a router) take the `multihop` block's options.
  return ['protocol bfd {', '  interface "*" {', ...options, '  };', '  multihop {', ...options, '  };', '}'];
}

/** `birdc show bfd sessions`: neighbor address → BFD state (Up, Down, Init, AdminDown). */
export function parseBirdBfdSessions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stripBanner(text).split('\n')) {
    const m = /^(\S+)\s+\S+\s+(Up|Down|Init|AdminDown)\b/.exec(line);
    if (m !== null) out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

/** Drops birdc's "BIRD x.y.z ready." banner. */
export function stripBanner(text: string): string {
  return text.replace(/^BIRD [^\n]* ready\.\n/, '');
}

function parseAsPath(v: string): number[] {
  return (v.match(/\d+/g) ?? []).map(Number);
}

function parsePairs(v: string): string[][] {
  return [...v.matchAll(/\(([^)]*)\)/g)].map((m) => (m[1] ?? '').split(',').map((s) => s.trim()));
}

/**
 * Parses `show route all` output. Route header lines start in column 0 (prefix) or with spaces
 * (another route for the same prefix); attribute and `via` lines start with a tab.
 */
export function parseBirdRoutes(text: string, peerOfProto: (proto: string) => string | null): Route[] {
  const routes: Route[] = [];
  let prefix = '';
  let cur: (Route & { via: string | null }) | null = null;
  const flush = (): void => {
    if (cur === null) return;
    const { via, ...route } = cur;
    if (route.nextHop === null) route.nextHop = via;
    routes.push(route);
    cur = null;
  };
  const header = /^(\S+)?\s+(\w+)\s+\[(\S+)\s[^\]]*\]\s*(\*)?/;
  for (const line of stripBanner(text).split('\n')) {
    if (line === '' || line.startsWith('Table ')) continue;
    if (line.startsWith('\t')) {
      if (cur === null) continue;
      const t = line.slice(1);
      const via = /^via (\S+)/.exec(t);
      if (via !== null) {
        cur.via ??= via[1] ?? null;
        continue;
      }
      const attr = /^BGP\.(\w+): (.*)$/.exec(t);
      if (attr === null) continue;
      const [, key, value = ''] = attr;
      if (key === 'as_path') cur.asPath = parseAsPath(value);
      else if (key === 'next_hop') cur.nextHop = value.split(' ')[0] ?? null;
      else if (key === 'med') cur.med = Number(value);
      else if (key === 'local_pref') cur.localPref = Number(value);
      else if (key === 'community') cur.communities = parsePairs(value).map((p) => normalizeCommunity(p.join(':')));
      else if (key === 'large_community') cur.largeCommunities = parsePairs(value).map((p) => p.join(':'));
      continue;
    }
    const m = header.exec(line);
    if (m === null) continue;
    flush();
    if (m[1] !== undefined) prefix = m[1];
    const proto = m[3] ?? '';
    cur = {
      prefix,
      nextHop: null,
      via: null,
      asPath: [],
      communities: [],
      largeCommunities: [],
      localPref: null,
      med: null,
      peer: peerOfProto(proto),
      best: m[4] === '*',
    };
  }
  flush();
  return routes;
}

export interface BirdProtocolInfo {
  state: SessionState;
  lastError: LastError | null;
}

/** Parses `show protocols all NAME`. */
export function parseBirdProtocol(text: string): BirdProtocolInfo {
  const body = stripBanner(text);
  const bgpState = /BGP state:\s+(\w+)/.exec(body)?.[1] ?? 'Down';
  const message = /^\s+Message:\s+(.*)$/m.exec(body)?.[1]?.trim() ?? null;
  const last = /Last error:\s+(.*)$/m.exec(body)?.[1]?.trim() ?? null;
  let lastError: LastError | null = null;
  if (last !== null) {
    let direction: LastError['direction'] = 'unknown';
    let what = last;
    if (last.startsWith('Received: ')) {
      direction = 'received';
      what = last.slice('Received: '.length);
    } else if (last.startsWith('BGP Error: ')) {
      direction = 'sent';
      what = last.slice('BGP Error: '.length);
    }
    const codes = direction === 'unknown' ? null : codeForText(what);
    lastError = {
      direction,
      code: codes?.code ?? null,
      subcode: codes?.subcode ?? null,
      message: direction === 'received' ? message : null,
      text: message !== null ? `${last}; message: ${message}` : last,
    };
  } else if (message !== null && bgpState === 'Down') {
    // `disable NAME "msg"`: BIRD keeps the message it sent with the Cease, and no "Last error".
    lastError = { direction: 'sent', code: 6, subcode: 2, message, text: `disabled; message: ${message}` };
  }
  return { state: normalizeState(bgpState), lastError };
}
