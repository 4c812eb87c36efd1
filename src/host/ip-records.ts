// Typed records from `ip -json` output. The JSON arrives as `unknown` and is narrowed field by
// field: a shape iproute2 never prints is an IpJsonError, never a half-filled record.
import type { Family } from '../net/index.js';

export class IpJsonError extends Error {
  override name = 'IpJsonError';
}

/** One address of `ip -json addr show`. */
export interface IpAddress {
  family: Family;
  /** The interface's own address. */
  local: string;
  /** The far end of a point-to-point address (`peer`), else null. */
  peer: string | null;
  prefixLength: number;
  /** "global", "site", "link", "host" or a number. */
  scope: string;
  /** Not usable yet (IPv6 DAD running) or never (DAD failed). */
  tentative: boolean;
  dadFailed: boolean;
}

/** One interface of `ip -json addr show`. */
export interface IpInterface {
  index: number;
  name: string;
  /** Link flags as iproute2 names them: "UP", "LOWER_UP", "NO-CARRIER", … */
  flags: string[];
  /** RFC 2863 operational state: "UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", … */
  operState: string;
  addresses: IpAddress[];
}

export interface IpNextHop {
  gateway: string | null;
  device: string | null;
}

/** One route of `ip -N -json -d route show` (numeric type and protocol). */
export interface IpRoute {
  /** RTN_* number: 1 unicast, 6 blackhole, 7 unreachable, 8 prohibit, 9 throw, … */
  type: number;
  /** As iproute2 prints it: "default", "10.1.2.3" (host) or "10.1.0.0/24". */
  dst: string;
  gateway: string | null;
  device: string | null;
  /** RTPROT_* number: 2 kernel, 3 boot, 4 static, 12 bird, 186 bgp, … */
  protocol: number;
  /** Absent in IPv4 output when 0. */
  metric: number;
  /** Multipath routes; empty for a single-path route. */
  nexthops: IpNextHop[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function where(what: string, index: number): string {
  return `${what} #${index}`;
}

function requireArray(json: unknown, what: string): unknown[] {
  if (!Array.isArray(json)) throw new IpJsonError(`${what}: expected a JSON array`);
  return json;
}

function requireObject(value: unknown, at: string): Json {
  if (!isObject(value)) throw new IpJsonError(`${at}: expected an object`);
  return value;
}

function requireString(obj: Json, key: string, at: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new IpJsonError(`${at}: "${key}" missing or not a string`);
  return value;
}

function optionalString(obj: Json, key: string, at: string): string | null {
  const value = obj[key];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new IpJsonError(`${at}: "${key}" is not a string`);
  return value;
}

function requireInteger(obj: Json, key: string, at: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new IpJsonError(`${at}: "${key}" missing or not an integer`);
  return value;
}

/** With -N, iproute2 prints numeric enums as strings ("type": "6"); accept either form. */
function numericEnum(obj: Json, key: string, at: string, fallback: number): number {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  throw new IpJsonError(`${at}: "${key}" is not numeric (${JSON.stringify(value)}); was -N given?`);
}

function stringList(obj: Json, key: string, at: string): string[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new IpJsonError(`${at}: "${key}" is not a list of strings`);
  }
  return value;
}

function scopeOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return 'global';
}

function parseAddress(value: unknown, at: string): IpAddress | null {
  const obj = requireObject(value, at);
  const familyText = requireString(obj, 'family', at);
  // Other families (e.g. mpls) carry nothing to advertise.
  if (familyText !== 'inet' && familyText !== 'inet6') return null;
  return {
    family: familyText === 'inet' ? 'ipv4' : 'ipv6',
    local: requireString(obj, 'local', at),
    peer: optionalString(obj, 'address', at),
    prefixLength: requireInteger(obj, 'prefixlen', at),
    scope: scopeOf(obj.scope),
    tentative: obj.tentative === true,
    dadFailed: obj.dadfailed === true,
  };
}

/** `ip -json addr show [dev X]` → interfaces with their addresses. */
export function parseAddrShow(json: unknown): IpInterface[] {
  return requireArray(json, 'ip addr show').map((item, i) => {
    const at = where('interface', i);
    const obj = requireObject(item, at);
    const addrInfo = obj.addr_info === undefined ? [] : requireArray(obj.addr_info, `${at} addr_info`);
    const addresses: IpAddress[] = [];
    addrInfo.forEach((a, j) => {
      const parsed = parseAddress(a, `${at} address #${j}`);
      if (parsed !== null) addresses.push(parsed);
    });
    return {
      index: requireInteger(obj, 'ifindex', at),
      name: requireString(obj, 'ifname', at),
      flags: stringList(obj, 'flags', at),
      operState: optionalString(obj, 'operstate', at) ?? 'UNKNOWN',
      addresses,
    };
  });
}

function parseNextHop(value: unknown, at: string): IpNextHop {
  const obj = requireObject(value, at);
  return { gateway: optionalString(obj, 'gateway', at), device: optionalString(obj, 'dev', at) };
}

/** `ip -N -json -d route show …` → routes. */
export function parseRouteShow(json: unknown): IpRoute[] {
  return requireArray(json, 'ip route show').map((item, i) => {
    const at = where('route', i);
    const obj = requireObject(item, at);
    const nexthops = obj.nexthops === undefined ? [] : requireArray(obj.nexthops, `${at} nexthops`);
    return {
      type: numericEnum(obj, 'type', at, 1),
      dst: requireString(obj, 'dst', at),
      gateway: optionalString(obj, 'gateway', at),
      device: optionalString(obj, 'dev', at),
      protocol: numericEnum(obj, 'protocol', at, 3),
      metric: obj.metric === undefined ? 0 : requireInteger(obj, 'metric', at),
      nexthops: nexthops.map((nh, j) => parseNextHop(nh, `${at} nexthop #${j}`)),
    };
  });
}
