// Parsers for what `ip -N -o route show`, `ip -N -o monitor` and `ip -N -json nexthop show` print.
// -N makes protocols, tables and route types numbers, so no name table is involved.
import { canonicalAddress } from '../net/index.js';
import { prefixFromIp } from './prefix-text.js';

export const RTN_UNICAST = 1;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;

const TYPE_NAMES: Record<string, number> = {
  unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6,
  unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11,
};

export interface KernelLeg {
  via: string;
  dev: string;
  onlink: boolean;
}

export interface KernelRoute {
  prefix: string;
  /** RTN_* number. */
  type: number;
  protocol: number;
  metric: number;
  table: number;
  nhid: number | null;
  legs: KernelLeg[];
  /** A next hop with only a device and no gateway: a connected or device route. */
  devOnly: string | null;
}

/** Words that stand alone (flags) rather than starting a key/value pair. */
const FLAGS = new Set(['onlink', 'linkdown', 'dead', 'pervasive', 'offload', 'trap', 'offload_failed', 'notify', 'rt_offload', 'rt_trap', 'rt_offload_failed', 'cloned', 'cache']);

/**
 * One route line. `table` is the table asked for (ip leaves it out when filtering by it);
 * `protocol` likewise when the dump was filtered by protocol. Returns null for lines that are not
 * routes of the given family.
 */
export function parseRouteLine(line: string, v6: boolean, table: number, protocol = 0): KernelRoute | null {
  const tokens = line.replace(/\\\t/g, ' ').trim().split(/\s+/);
  let i = 0;
  let type = RTN_UNICAST;
  const t0 = tokens[0];
  if (t0 !== undefined && /^\d+$/.test(t0) && tokens.length > 1) {
    type = Number(t0);
    i++;
  } else if (t0 !== undefined && TYPE_NAMES[t0] !== undefined) {
    type = TYPE_NAMES[t0];
    i++;
  }
  const text = tokens[i];
  const prefix = text === undefined ? null : prefixFromIp(text, v6);
  if (prefix === null) return null;
  i++;
  const route: KernelRoute = { prefix, type, protocol, metric: 0, table, nhid: null, legs: [], devOnly: null };
  let cur: Partial<KernelLeg> = {};
  const flushLeg = (): void => {
    if (cur.via && cur.dev) route.legs.push({ via: cur.via, dev: cur.dev, onlink: cur.onlink ?? false });
    else if (cur.dev && !cur.via && route.legs.length === 0) route.devOnly = cur.dev;
    cur = {};
  };
  for (let tok = tokens[i++]; tok !== undefined; tok = tokens[i++]) {
    if (tok === 'nexthop') {
      flushLeg();
      continue;
    }
    if (FLAGS.has(tok)) {
      if (tok === 'onlink') cur.onlink = true;
      continue;
    }
    let val = tokens[i++];
    if (val === undefined) break;
    switch (tok) {
      case 'via':
        if (val === 'inet6' || val === 'inet') val = tokens[i++] ?? '';
        cur.via = canonicalAddress(val) ?? val;
        break;
      case 'dev':
        cur.dev = val;
        break;
      case 'nhid':
        route.nhid = Number(val);
        break;
      case 'proto':
        route.protocol = Number(val);
        break;
      case 'metric':
        route.metric = Number(val);
        break;
      case 'table':
        route.table = Number(val);
        break;
      default:
        // scope, src, pref, weight, expires, mtu and the like: not needed here.
        break;
    }
  }
  flushLeg();
  return route;
}

export interface KernelNexthop {
  id: number;
  protocol: number;
  /** A gateway leg, a group, or something necod never makes (blackhole, fdb, encap). */
  kind: 'leg' | 'group' | 'other';
  leg: KernelLeg | null;
  members: number[];
}

interface NexthopJson {
  id?: unknown;
  protocol?: unknown;
  gateway?: unknown;
  dev?: unknown;
  flags?: unknown;
  group?: unknown;
  blackhole?: unknown;
  fdb?: unknown;
  encap?: unknown;
}

/** `ip -N -json nexthop show` output. */
export function parseNexthopJson(text: string): KernelNexthop[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const data: unknown = JSON.parse(trimmed);
  if (!Array.isArray(data)) return [];
  const out: KernelNexthop[] = [];
  for (const raw of data as NexthopJson[]) {
    if (typeof raw !== 'object' || raw === null || typeof raw.id !== 'number') continue;
    const nh: KernelNexthop = { id: raw.id, protocol: Number(raw.protocol ?? 0), kind: 'other', leg: null, members: [] };
    const flags = Array.isArray(raw.flags) ? (raw.flags as unknown[]) : [];
    if (Array.isArray(raw.group)) {
      const members = (raw.group as Array<{ id?: unknown; weight?: unknown }>).map((g) => g.id);
      const weights = (raw.group as Array<{ weight?: unknown }>).map((g) => g.weight ?? 1);
      if (members.every((m) => typeof m === 'number') && weights.every((w) => w === 1)) {
        nh.kind = 'group';
        nh.members = members as number[];
      }
    } else if (typeof raw.gateway === 'string' && typeof raw.dev === 'string' && raw.encap === undefined && raw.fdb === undefined) {
      nh.kind = 'leg';
      nh.leg = { via: canonicalAddress(raw.gateway) ?? raw.gateway, dev: raw.dev, onlink: flags.includes('onlink') };
    }
    out.push(nh);
  }
  return out;
}
