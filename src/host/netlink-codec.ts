// Kernel changes as rtnetlink messages (RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWNEXTHOP,
// RTM_DELNEXTHOP), written straight into one Buffer, and the kernel's answers (nlmsgerr) read back
// as (sequence number, errno). The messages say what the `ip -batch` lines of
// src/kernel/batch-lines.ts say, field for field as iproute2 fills them (rtmsg scope and type,
// RTA_TABLE, RTA_PRIORITY, protocol), so a route written either way reads back the same. Pure: no
// socket, no lookups; the device index of a leg comes from the caller. Not a general netlink
// library: only what necod writes.
import type { Change, InstalledRoute, Leg, NexthopObject, RouteTag } from './kernel-change.js';
import { addressBytes as bytesOf, parseAddress } from '../net/index.js';

const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const RTM_NEWNEXTHOP = 104;
const RTM_DELNEXTHOP = 105;

const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;

const AF_INET = 2;
const AF_INET6 = 10;
const RTN_UNICAST = 1;
const RTN_BLACKHOLE = 6;
const RTN_UNREACHABLE = 7;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_NOWHERE = 255;
const RTNH_F_ONLINK = 4;

const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PRIORITY = 6;
const RTA_MULTIPATH = 9;
const RTA_TABLE = 15;
const RTA_VIA = 18;
const RTA_NH_ID = 30;
const NHA_ID = 1;
const NHA_GROUP = 2;
const NHA_OIF = 5;
const NHA_GATEWAY = 6;
const IFLA_IFNAME = 3;

const HDR = 16;

// Little-endian stores by hand: Buffer's writeUInt16LE/writeUInt32LE check their arguments on
// every call, and this is the per-route path of a full-table install. Offsets stay inside the
// buffer the writer sized with maxChangeBytes().
function w16(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v;
  buf[at + 1] = v >>> 8;
}

function w32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v;
  buf[at + 1] = v >>> 8;
  buf[at + 2] = v >>> 16;
  buf[at + 3] = v >>> 24;
}

/** How a route key becomes family, length and address bytes; the FIB's keys are numbers. */
export interface PrefixCodec<K> {
  v6(key: K): boolean;
  length(key: K): number;
  /** Writes the 4 or 16 address bytes at `at`. */
  write(key: K, buf: Buffer, at: number): void;
}

/** Prefix text ("10.0.0.0/24", "2001:db8::/48") as keys: tests and tools. */
export const TEXT_PREFIXES: PrefixCodec<string> = {
  v6: (p) => p.includes(':'),
  length: (p) => Number(p.slice(p.indexOf('/') + 1)),
  write: (p, buf, at) => {
    const a = parseAddress(p.slice(0, p.indexOf('/')));
    if (a === null) throw new Error(`not a prefix: ${p}`);
    buf.set(bytesOf(a), at);
  },
};

/** Device name → interface index, or 0 when there is no such device (the kernel then says why). */
export type IfIndex = (dev: string) => number;

/** Most bytes one change can take: a route with `ecmpMax` IPv6 legs stays well below this. */
export function maxChangeBytes(legs: number): number {
  return 96 + legs * 40;
}

/** Address bytes of a next hop, cached: a table has few distinct next hops. */
const viaBytes = new Map<string, Uint8Array | null>();
function addressBytes(via: string): Uint8Array {
  let b = viaBytes.get(via);
  if (b === undefined) {
    const a = parseAddress(via);
    b = a === null ? null : bytesOf(a);
    if (viaBytes.size > 10_000) viaBytes.clear();
    viaBytes.set(via, b);
  }
  if (b === null) throw new Error(`not an address: ${via}`);
  return b;
}

/** NLMSG_NOOP with an ack request: answered once everything before it on the socket was handled. */
export function encodeNoop(buf: Buffer, at: number, seq: number): number {
  w32(buf, at, HDR);
  header(buf, at, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, seq);
  return at + HDR;
}

function header(buf: Buffer, at: number, type: number, flags: number, seq: number): void {
  w16(buf, at + 4, type);
  w16(buf, at + 6, flags);
  w32(buf, at + 8, seq >>> 0);
  w32(buf, at + 12, 0);
}

function u32Attr(buf: Buffer, at: number, type: number, value: number): number {
  w16(buf, at, 8);
  w16(buf, at + 2, type);
  w32(buf, at + 4, value >>> 0);
  return at + 8;
}

function bytesAttr(buf: Buffer, at: number, type: number, bytes: Uint8Array): number {
  const len = 4 + bytes.length;
  w16(buf, at, len);
  w16(buf, at + 2, type);
  buf.set(bytes, at + 4);
  const end = at + ((len + 3) & ~3);
  buf.fill(0, at + len, end);
  return end;
}

/** The gateway of a leg: RTA_GATEWAY in its own family, RTA_VIA for IPv6 on IPv4 (RFC 5549). */
function gatewayAttr(buf: Buffer, at: number, leg: Leg, routeV6: boolean): number {
  const b = addressBytes(leg.via);
  if (routeV6 || b.length === 4) return bytesAttr(buf, at, RTA_GATEWAY, b);
  const via = Buffer.alloc(2 + b.length);
  w16(via, 0, AF_INET6);
  via.set(b, 2);
  return bytesAttr(buf, at, RTA_VIA, via);
}

/** rtmsg plus the attributes every route message carries: destination, table, metric. */
function routeHead<K>(buf: Buffer, at: number, key: K, prefixes: PrefixCodec<K>, tag: RouteTag, scope: number, type: number): number {
  const v6 = prefixes.v6(key);
  const len = prefixes.length(key);
  buf[at] = v6 ? AF_INET6 : AF_INET;
  buf[at + 1] = len;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  buf[at + 4] = tag.table < 256 ? tag.table : 0;
  buf[at + 5] = tag.protocol;
  buf[at + 6] = scope;
  buf[at + 7] = type;
  w32(buf, at + 8, 0);
  let o = at + 12;
  const n = v6 ? 16 : 4;
  w16(buf, o, 4 + n);
  w16(buf, o + 2, RTA_DST);
  prefixes.write(key, buf, o + 4);
  o += 4 + n;
  o = u32Attr(buf, o, RTA_TABLE, tag.table);
  return u32Attr(buf, o, RTA_PRIORITY, tag.metric);
}

function routeReplace<K>(buf: Buffer, at: number, key: K, route: InstalledRoute, prefixes: PrefixCodec<K>, tag: RouteTag, ifindex: IfIndex): number {
  const type = route.type === 'blackhole' ? RTN_BLACKHOLE : route.type === 'unreachable' ? RTN_UNREACHABLE : RTN_UNICAST;
  const rtm = at + HDR;
  let o = routeHead(buf, rtm, key, prefixes, tag, RT_SCOPE_UNIVERSE, type);
  switch (route.type) {
    case 'blackhole':
    case 'unreachable':
      return o;
    case 'nhid':
      return u32Attr(buf, o, RTA_NH_ID, route.nhid);
    case 'inline': {
      const v6 = prefixes.v6(key);
      const legs = route.set.legs;
      // A single path without the multipath form, as the `ip` line writes it.
      const l = legs[0];
      if (legs.length === 1 && l !== undefined) {
        if (l.onlink) w32(buf, rtm + 8, RTNH_F_ONLINK);
        o = gatewayAttr(buf, o, l, v6);
        return u32Attr(buf, o, RTA_OIF, ifindex(l.dev));
      }
      const mp = o;
      o += 4;
      for (const l of legs) {
        const nh = o;
        buf[nh + 2] = l.onlink ? RTNH_F_ONLINK : 0;
        buf[nh + 3] = 0; // weight 1
        w32(buf, nh + 4, ifindex(l.dev));
        o = gatewayAttr(buf, nh + 8, l, v6);
        w16(buf, nh, o - nh);
      }
      w16(buf, mp, o - mp);
      w16(buf, mp + 2, RTA_MULTIPATH);
      return o;
    }
    case 'other':
      throw new Error(`cannot write a route of unmanaged form "${route.text}"`);
  }
}

function nexthopReplace(buf: Buffer, at: number, obj: NexthopObject, tag: RouteTag, ifindex: IfIndex): number {
  const nh = at + HDR;
  let o = nh + 8;
  buf.fill(0, nh, o);
  buf[nh + 2] = tag.protocol;
  o = u32Attr(buf, o, NHA_ID, obj.id);
  if (obj.type === 'leg') {
    const b = addressBytes(obj.leg.via);
    buf[nh] = b.length === 4 ? AF_INET : AF_INET6;
    if (obj.leg.onlink) w32(buf, nh + 4, RTNH_F_ONLINK);
    o = bytesAttr(buf, o, NHA_GATEWAY, b);
    return u32Attr(buf, o, NHA_OIF, ifindex(obj.leg.dev));
  }
  // struct nexthop_grp: id, weight - 1, two reserved fields.
  const len = 4 + 8 * obj.members.length;
  w16(buf, o, len);
  w16(buf, o + 2, NHA_GROUP);
  for (let i = 0; i < obj.members.length; i++) {
    w32(buf, o + 4 + 8 * i, obj.members[i]!);
    w32(buf, o + 8 + 8 * i, 0);
  }
  return o + len;
}

/**
 * Writes the message of one change at `at` with sequence number `seq`; returns the end. Replaces
 * create or replace (NLM_F_CREATE|NLM_F_REPLACE) as `ip … replace` does. `ack` asks the kernel to
 * answer even on success; without it only a refusal is answered.
 */
export function encodeChange<K>(buf: Buffer, at: number, change: Change<K>, seq: number, ack: boolean, prefixes: PrefixCodec<K>, tag: RouteTag, ifindex: IfIndex): number {
  const a = ack ? NLM_F_ACK : 0;
  let end: number;
  switch (change.op) {
    case 'route-replace':
      header(buf, at, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | a, seq);
      end = routeReplace(buf, at, change.prefix, change.route, prefixes, tag, ifindex);
      break;
    case 'route-delete':
      header(buf, at, RTM_DELROUTE, NLM_F_REQUEST | a, seq);
      end = routeHead(buf, at + HDR, change.prefix, prefixes, tag, RT_SCOPE_NOWHERE, 0);
      break;
    case 'nexthop-replace':
      header(buf, at, RTM_NEWNEXTHOP, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | a, seq);
      end = nexthopReplace(buf, at, change.obj, tag, ifindex);
      break;
    case 'nexthop-delete':
      header(buf, at, RTM_DELNEXTHOP, NLM_F_REQUEST | a, seq);
      buf.fill(0, at + HDR, at + HDR + 8);
      end = u32Attr(buf, at + HDR + 8, NHA_ID, change.id);
      break;
  }
  w32(buf, at, end - at);
  return end;
}

/** RTM_GETLINK for one device by name; the answer is an RTM_NEWLINK (see linkIndex) or an error. */
export function encodeGetLink(name: string, seq: number): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const buf = Buffer.alloc(HDR + 16 + 4 + ((nameBytes.length + 3) & ~3));
  header(buf, 0, RTM_GETLINK, NLM_F_REQUEST, seq);
  const end = bytesAttr(buf, HDR + 16, IFLA_IFNAME, nameBytes);
  w32(buf, 0, end);
  return buf;
}

/** One answer of the kernel: an error or ack (errno 0 = success), or a link's index. */
export type NetlinkAnswer =
  | { readonly kind: 'ack'; readonly seq: number; readonly errno: number }
  | { readonly kind: 'link'; readonly seq: number; readonly index: number }
  | { readonly kind: 'other'; readonly seq: number };

/** Calls `fn` for each message of a datagram from the kernel. Bounded by the buffer. */
export function readAnswers(msg: Uint8Array, fn: (a: NetlinkAnswer) => void): void {
  const b = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  let o = 0;
  while (o + HDR <= b.length) {
    const len = b.readUInt32LE(o);
    if (len < HDR || o + len > b.length) return;
    const type = b.readUInt16LE(o + 4);
    const seq = b.readUInt32LE(o + 8);
    if (type === NLMSG_ERROR && len >= HDR + 4) fn({ kind: 'ack', seq, errno: -b.readInt32LE(o + HDR) || 0 });
    else if (type === RTM_NEWLINK && len >= HDR + 8) fn({ kind: 'link', seq, index: b.readInt32LE(o + HDR + 4) });
    else fn({ kind: 'other', seq });
    o += (len + 3) & ~3;
  }
}

/**
 * The answers a kernel that takes every request would give to one buffer of them: an ack
 * (nlmsgerr, errno 0) for each message that asks for one, and for RTM_GETLINK a link with
 * index 1; null when nothing asks. For the start-up rehearsal, which writes to no kernel.
 */
export function answersOfAcceptingKernel(requests: Uint8Array): Buffer | null {
  const b = Buffer.from(requests.buffer, requests.byteOffset, requests.byteLength);
  const out: Buffer[] = [];
  for (let o = 0; o + HDR <= b.length; ) {
    const len = b.readUInt32LE(o);
    if (len < HDR || o + len > b.length) break;
    const type = b.readUInt16LE(o + 4);
    const seq = b.readUInt32LE(o + 8);
    if (type === RTM_GETLINK) {
      // struct ifinfomsg: family, pad, type (u16), index (s32), flags, change.
      const a = Buffer.alloc(HDR + 16);
      header(a, 0, RTM_NEWLINK, 0, seq);
      w32(a, 0, a.length);
      w32(a, HDR + 4, 1);
      out.push(a);
    } else if ((b.readUInt16LE(o + 6) & NLM_F_ACK) !== 0) {
      // struct nlmsgerr: errno, then the request's header.
      const a = Buffer.alloc(HDR + 4 + HDR);
      header(a, 0, NLMSG_ERROR, 0, seq);
      w32(a, 0, a.length);
      b.copy(a, HDR + 4, o, o + HDR);
      out.push(a);
    }
    o += (len + 3) & ~3;
  }
  return out.length > 0 ? Buffer.concat(out) : null;
}

/** The text `ip` prints for an errno, so that the FIB reads refusals the same from either writer. */
const ERRNO_TEXT: Record<number, string> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  3: 'No such process',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  16: 'Device or resource busy',
  17: 'File exists',
  19: 'No such device',
  22: 'Invalid argument',
  28: 'No space left on device',
  34: 'Numerical result out of range',
  90: 'Message too long',
  95: 'Operation not supported',
  97: 'Address family not supported by protocol',
  101: 'Network is unreachable',
  105: 'No buffer space available',
  113: 'No route to host',
};

export function errnoText(errno: number): string {
  return `RTNETLINK answers: ${ERRNO_TEXT[errno] ?? `error ${errno}`}`;
}
