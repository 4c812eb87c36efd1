// ExaBGP: config text and the reader of its JSON API event stream. ExaBGP has no RIB and no
// query command; everything the runner reports comes from events it writes to its API process.
import {
  arr,
  field,
  isObject,
  neighborFamilies,
  num,
  str,
  type LastError,
  type NeighborSpec,
  type Route,
  type RouteSpec,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

/** Attributes in ExaBGP's route syntax (static routes and `announce route` share it). */
export function exaRouteText(r: RouteSpec): string {
  const parts = [`route ${r.prefix}`, `next-hop ${r.nextHop ?? 'self'}`];
  if (r.communities?.length) parts.push(`community [ ${r.communities.join(' ')} ]`);
  if (r.largeCommunities?.length) parts.push(`large-community [ ${r.largeCommunities.join(' ')} ]`);
  if (r.med !== undefined) parts.push(`med ${r.med}`);
  if (r.localPref !== undefined) parts.push(`local-preference ${r.localPref}`);
  return parts.join(' ');
}

function neighborBlock(spec: SpeakerSpec, n: NeighborSpec, processName: string): string[] {
  if (n.localAddress === undefined) throw new Error(`ExaBGP neighbor ${n.address} needs localAddress`);
  const l = [
    `neighbor ${n.address} {`,
    `  router-id ${spec.routerId};`,
    `  local-address ${n.localAddress};`,
    `  local-as ${spec.asn};`,
    `  peer-as ${n.remoteAs};`,
    `  hold-time ${n.holdTime ?? 90};`,
    '  group-updates false;',
  ];
  if (n.passive) l.push('  passive true;');
  if (spec.listenPort !== undefined) l.push(`  listen ${spec.listenPort};`);
  if (n.port !== undefined) l.push(`  connect ${n.port};`);
  l.push('  capability {', '    route-refresh;');
  if (n.gracefulRestart) l.push(`    graceful-restart ${n.gracefulRestartTime ?? 120};`);
  if (n.addPath !== undefined) l.push(`    add-path ${n.addPath === 'both' ? 'send/receive' : n.addPath === 'tx' ? 'send' : 'receive'};`);
  l.push('  }', '  family {');
  for (const f of neighborFamilies(n)) l.push(`    ${f} unicast;`);
  l.push(
    '  }',
    '  api {',
    `    processes [ ${processName} ];`,
    '    neighbor-changes;',
    '    receive { parsed; update; notification; }',
    '  }',
  );
  const routes = spec.routes ?? [];
  if (routes.length > 0) {
    l.push('  static {');
    for (const r of routes) l.push(`    ${exaRouteText(r)};`);
    l.push('  }');
  }
  l.push('}');
  return l;
}

export function exabgpConfig(spec: SpeakerSpec, apiCommand: string): string {
  const lines = ['process ctl {', `  run ${apiCommand};`, '  encoder json;', '}'];
  for (const n of spec.neighbors) lines.push(...neighborBlock(spec, n, 'ctl'));
  return `${lines.join('\n')}\n`;
}

/**
 * The API process: replays the command file to ExaBGP (tail -F follows appends) and appends
 * ExaBGP's events to the event file. `tail --pid` ends with it, so nothing outlives ExaBGP.
 */
export const EXA_API_SCRIPT = `#!/bin/sh
# $1: command file (the harness appends commands), $2: event file (JSON lines from ExaBGP)
tail -n +1 -F -s 0.2 --pid=$$ "$1" 2>/dev/null &
exec cat >> "$2"
`;

export interface ExaView {
  state: Map<string, SessionState>;
  routes: Map<string, Route>; // key: peer + ' ' + prefix
  lastError: Map<string, LastError>;
}

function routeFromUpdate(prefix: string, nextHop: string, attr: unknown, peer: string): Route {
  const asPath = arr(field(attr, 'as-path')).flatMap((a) => (typeof a === 'number' ? [a] : []));
  return {
    prefix,
    nextHop,
    asPath,
    communities: arr(field(attr, 'community')).map((c) => arr(c).join(':')),
    largeCommunities: arr(field(attr, 'large-community')).map((c) => arr(c).join(':')),
    localPref: num(field(attr, 'local-preference')),
    med: num(field(attr, 'med')),
    peer,
    best: true,
  };
}

const EXA_STATES: Record<string, SessionState> = { up: 'Established', connected: 'OpenSent', down: 'Idle' };

function errorFromReason(reason: string): LastError {
  const m = /notification (sent|received) \((\d+),(\d+)\)/.exec(reason);
  const shutdown = /Shutdown Communication: "([^"]*)"/.exec(reason);
  return {
    direction: m?.[1] === 'sent' ? 'sent' : m?.[1] === 'received' ? 'received' : 'unknown',
    code: m !== null ? Number(m[2]) : null,
    subcode: m !== null ? Number(m[3]) : null,
    message: shutdown?.[1] ?? null,
    text: reason,
  };
}

/** RFC 8203 text from a Cease's data, which ExaBGP prints decoded or as "0x<hex>". */
function shutdownMessage(code: number | null, subcode: number | null, data: string): string | null {
  if (code !== 6 || (subcode !== 2 && subcode !== 4)) return null;
  const decoded = /Shutdown Communication: "([^"]*)"/.exec(data)?.[1];
  if (decoded !== undefined) return decoded;
  if (!/^0x(?:[0-9a-f]{2})+$/i.test(data)) return null;
  const bytes = Buffer.from(data.slice(2), 'hex');
  const len = bytes[0] ?? 0;
  return len > 0 && len < bytes.length ? bytes.subarray(1, 1 + len).toString('utf8') : null;
}

/** Folds the event file into session states, the Adj-RIB-In and the last error per neighbor. */
export function foldExaEvents(text: string): ExaView {
  const view: ExaView = { state: new Map(), routes: new Map(), lastError: new Map() };
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      continue;
    }
    const peer = str(field(field(field(ev, 'neighbor'), 'address'), 'peer'));
    if (peer === null) continue;
    const type = str(field(ev, 'type'));
    if (type === 'state') {
      const s = str(field(field(ev, 'neighbor'), 'state')) ?? 'down';
      view.state.set(peer, EXA_STATES[s] ?? 'Idle');
      if (s === 'down') {
        for (const [k, r] of view.routes) if (r.peer === peer) view.routes.delete(k);
        const reason = str(field(field(ev, 'neighbor'), 'reason'));
        const prev = view.lastError.get(peer);
        const prevIsNotification = prev !== undefined && prev.code !== null;
        if (reason !== null) {
          const err = errorFromReason(reason);
          // Only NOTIFICATIONs count once one was seen: failed reconnects must not hide it, and a
          // down after a received NOTIFICATION repeats the notification event less precisely.
          const repeat = prev?.direction === 'received' && err.direction === 'received';
          if ((err.code !== null || !prevIsNotification) && !repeat) view.lastError.set(peer, err);
        }
      }
    } else if (type === 'notification') {
      // Nested in "neighbor"; ExaBGP's own shutdown event has a top-level string instead.
      const n = field(field(ev, 'neighbor'), 'notification');
      const data = str(field(n, 'data')) ?? '';
      view.lastError.set(peer, {
        direction: 'received',
        code: num(field(n, 'code')),
        subcode: num(field(n, 'subcode')),
        message: shutdownMessage(num(field(n, 'code')), num(field(n, 'subcode')), data),
        text: line,
      });
    } else if (type === 'update') {
      const update = field(field(field(ev, 'neighbor'), 'message'), 'update');
      const attr = field(update, 'attribute');
      const announce = field(update, 'announce');
      if (isObject(announce)) {
        for (const byNextHop of Object.values(announce)) {
          if (!isObject(byNextHop)) continue;
          for (const [nh, nlris] of Object.entries(byNextHop)) {
            for (const n of arr(nlris)) {
              const prefix = str(field(n, 'nlri'));
              if (prefix !== null) view.routes.set(`${peer} ${prefix}`, routeFromUpdate(prefix, nh, attr, peer));
            }
          }
        }
      }
      const withdraw = field(update, 'withdraw');
      if (isObject(withdraw)) {
        for (const nlris of Object.values(withdraw)) {
          for (const n of arr(nlris)) view.routes.delete(`${peer} ${str(field(n, 'nlri')) ?? ''}`);
        }
      }
    }
  }
  return view;
}
