// GoBGP: TOML config text and parsers for `gobgp -j` output and gobgpd's JSON log.
import {
  arr,
  communityFromNumber,
  field,
  isObject,
  neighborFamilies,
  normalizeState,
  num,
  str,
  type Json,
  type LastError,
  type NeighborSpec,
  type Route,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

function q(s: string): string {
  return JSON.stringify(s); // TOML basic strings share JSON's escapes for what we write
}

function neighborToml(n: NeighborSpec, clusterId: string | undefined): string[] {
  const hold = n.holdTime ?? 90;
  const l = [
    '[[neighbors]]',
    '  [neighbors.config]',
    `    neighbor-address = ${q(n.address)}`,
    `    peer-as = ${n.remoteAs}`,
    '  [neighbors.timers.config]',
    '    connect-retry = 1',
    `    hold-time = ${hold}`,
    `    keepalive-interval = ${Math.max(1, Math.floor(hold / 3))}`,
    // No idle-hold-time-after-reset: gobgpd 3.10 ignores it in the file and always uses 30 s.
  ];
  const transport: string[] = [];
  if (n.passive) transport.push('    passive-mode = true');
  if (n.port !== undefined) transport.push(`    remote-port = ${n.port}`);
  if (n.localAddress !== undefined) transport.push(`    local-address = ${q(n.localAddress)}`);
  if (transport.length > 0) l.push('  [neighbors.transport.config]', ...transport);
  if (n.routeReflectorClient) {
    l.push('  [neighbors.route-reflector.config]', '    route-reflector-client = true');
    if (clusterId !== undefined) l.push(`    route-reflector-cluster-id = ${q(clusterId)}`);
  }
  if (n.gracefulRestart) l.push('  [neighbors.graceful-restart.config]', '    enabled = true', `    restart-time = ${n.gracefulRestartTime ?? 120}`);
  if (n.addPath !== undefined) {
    l.push('  [neighbors.add-paths.config]');
    if (n.addPath !== 'tx') l.push('    receive = true');
    if (n.addPath !== 'rx') l.push('    send-max = 8');
  }
  for (const f of neighborFamilies(n)) {
    l.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', `      afi-safi-name = ${q(`${f}-unicast`)}`);
    if (n.gracefulRestart) l.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
  }
  return l;
}

/** Routes are not part of GoBGP's file config: the runner adds them through the API after start. */
export function gobgpConfig(spec: SpeakerSpec): string {
  const lines = [
    '[global.config]',
    `  as = ${spec.asn}`,
    `  router-id = ${q(spec.routerId)}`,
    `  port = ${spec.listenPort ?? 179}`,
  ];
  for (const n of spec.neighbors) lines.push('', ...neighborToml(n, spec.clusterId));
  return `${lines.join('\n')}\n`;
}

/** `gobgp neighbor -j` session_state: protobuf enum numbers (3.x) or names. */
const STATE_BY_NUMBER: Record<number, SessionState> = {
  1: 'Idle',
  2: 'Connect',
  3: 'Active',
  4: 'OpenSent',
  5: 'OpenConfirm',
  6: 'Established',
};

export function gobgpSessionState(doc: Json, address: string): SessionState {
  const entries = Array.isArray(doc) ? doc : [doc];
  const entry = entries.find(
    (e) =>
      str(field(field(e, 'state'), 'neighbor_address')) === address ||
      str(field(field(e, 'conf'), 'neighbor_address')) === address,
  );
  if (entry === undefined) throw new Error(`GoBGP does not know neighbor ${address}`);
  const s = field(field(entry, 'state'), 'session_state');
  if (typeof s === 'number') return STATE_BY_NUMBER[s] ?? 'Idle';
  return normalizeState(str(s) ?? 'idle');
}

function nextHopOf(attrs: unknown[]): string | null {
  for (const a of attrs) {
    const t = num(field(a, 'type'));
    if (t === 3 || t === 14) {
      const nh = str(field(a, 'nexthop')) ?? str(arr(field(a, 'nexthops'))[0]);
      if (nh !== null) return nh;
    }
  }
  return null;
}

/** Parses `gobgp global rib -a <family> -j`: prefix → paths with numbered attributes. */
export function parseGobgpRoutes(doc: Json): Route[] {
  const routes: Route[] = [];
  if (!isObject(doc)) return routes;
  for (const [prefix, paths] of Object.entries(doc)) {
    for (const p of arr(paths)) {
      const attrs = arr(field(p, 'attrs'));
      const byType = (t: number): unknown => attrs.find((a) => num(field(a, 'type')) === t);
      const asPath: number[] = [];
      for (const seg of arr(field(byType(2), 'as_paths'))) {
        for (const asn of arr(field(seg, 'asns'))) if (typeof asn === 'number') asPath.push(asn);
      }
      const neighbor = str(field(p, 'neighbor-ip'));
      routes.push({
        prefix,
        nextHop: nextHopOf(attrs),
        asPath,
        communities: arr(field(byType(8), 'communities')).flatMap((c) =>
          typeof c === 'number' ? [communityFromNumber(c)] : [],
        ),
        largeCommunities: arr(field(byType(32), 'value')).map(
          (v) => `${num(field(v, 'ASN'))}:${num(field(v, 'LocalData1'))}:${num(field(v, 'LocalData2'))}`,
        ),
        localPref: num(field(byType(5), 'value')),
        med: num(field(byType(4), 'metric')),
        // Locally added paths carry no neighbor address.
        peer: neighbor !== null && neighbor !== '<nil>' ? neighbor : null,
        best: field(p, 'best') === true,
      });
    }
  }
  return routes;
}

/**
 * gobgpd has no API field for the last NOTIFICATION; its JSON log has one line per notification
 * ("sent notification" / "received notification" with Code, Subcode, Communicated-Reason) and a
 * "Peer Down" line with the reason. The last notification wins; a Peer Down reason is reported
 * only while no notification was ever logged for the neighbor.
 */
export function gobgpLastError(log: string, address: string): LastError | null {
  let last: LastError | null = null;
  let notified = false; // a NOTIFICATION line was logged since the session last came up
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (str(field(entry, 'Key')) !== address) continue;
    const msg = str(field(entry, 'msg')) ?? '';
    if (msg === 'Peer Up') {
      notified = false;
    } else if (msg === 'received notification' || msg === 'sent notification') {
      const reason = str(field(entry, 'Communicated-Reason'));
      last = {
        direction: msg.startsWith('received') ? 'received' : 'sent',
        code: num(field(entry, 'Code')),
        subcode: num(field(entry, 'Subcode')),
        message: reason !== null && reason !== '' ? reason : null,
        text: line,
      };
      notified = true;
    } else if (msg === 'Peer Down') {
      // After a NOTIFICATION line, "Peer Down" only repeats it in other words.
      // Without any NOTIFICATION (e.g. TCP errors) the reason is all there is; it never hides one.
      if (!notified && (last === null || last.code === null)) {
        const reason = str(field(entry, 'Reason')) ?? line;
        last = { direction: 'unknown', code: null, subcode: null, message: null, text: reason };
      }
      notified = false;
    }
  }
  return last;
}
