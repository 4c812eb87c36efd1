// NLRI as compact lists. An IPv4 prefix is one number: address × 64 + length, which a
// double holds exactly (2^38 < 2^53); a list of them is one Float64Array, so a full table
// decodes without a per-prefix object. IPv6 prefixes are 16 bytes each in one Uint8Array.
import { formatIpv4, formatIpv6, ipv4Mask, maskAddress, parsePrefix } from '../../net/index.js';
import { Afi } from './constants.js';
import type { WireReader } from './reader.js';

export interface Ipv4PrefixList {
  afi: 1;
  count: number;
  /** address × 64 + length, host bits cleared */
  keys: Float64Array;
  /** RFC 7911 path identifiers, when ADD-PATH is in use for this direction */
  pathIds: Uint32Array | null;
}

export interface Ipv6PrefixList {
  afi: 2;
  count: number;
  /** 16 bytes per prefix, host bits cleared */
  addrs: Uint8Array;
  lengths: Uint8Array;
  pathIds: Uint32Array | null;
}

export type PrefixList = Ipv4PrefixList | Ipv6PrefixList;

export const EMPTY_IPV4: Ipv4PrefixList = Object.freeze({
  afi: 1,
  count: 0,
  keys: new Float64Array(0),
  pathIds: null,
}) as Ipv4PrefixList;

export function emptyPrefixList(afi: number): PrefixList {
  if (afi === Afi.IPV6) return { afi: 2, count: 0, addrs: new Uint8Array(0), lengths: new Uint8Array(0), pathIds: null };
  return { afi: 1, count: 0, keys: new Float64Array(0), pathIds: null };
}

export function ipv4Key(address: number, length: number): number {
  return ((address & ipv4Mask(length)) >>> 0) * 64 + length;
}
export function ipv4KeyAddress(key: number): number {
  return Math.floor(key / 64);
}
export function ipv4KeyLength(key: number): number {
  return key % 64;
}

/** Thrown (and caught by the caller) when NLRI bytes cannot be parsed; the caller picks the NOTIFICATION. */
export class NlriSyntaxError extends Error {}

// Scratch space reused across calls; results are copied out at exact size.
let scratchKeys = new Float64Array(4096);
let scratchIds = new Uint32Array(4096);
let scratchV6 = new Uint8Array(4096 * 16);
let scratchLens = new Uint8Array(4096);

function ensureScratch(n: number): void {
  if (scratchKeys.length >= n) return;
  const size = Math.max(n, scratchKeys.length * 2);
  scratchKeys = new Float64Array(size);
  scratchIds = new Uint32Array(size);
  scratchV6 = new Uint8Array(size * 16);
  scratchLens = new Uint8Array(size);
}

/** NLRI readers fail with NlriSyntaxError; the caller picks the NOTIFICATION or RFC 7606 outcome. */
export const nlriSyntaxError = (reason: string): NlriSyntaxError => new NlriSyntaxError(reason);

/** RFC 7911 §3: the 4-byte path identifier in front of a prefix, which must follow it. */
function readPathId(r: WireReader): number {
  const id = r.u32('path identifier');
  if (r.done) r.fail('prefix length missing after path identifier');
  return id;
}

/** RFC 4271 §4.3 prefix encoding (with an RFC 7911 path id first when addPath), all `r` has left. */
export function decodeIpv4Prefixes(r: WireReader, addPath: boolean): Ipv4PrefixList {
  if (r.done) return { afi: 1, count: 0, keys: new Float64Array(0), pathIds: addPath ? new Uint32Array(0) : null };
  ensureScratch(r.remaining);
  const keys = scratchKeys;
  const ids = scratchIds;
  const buf = r.buf;
  let n = 0;
  while (!r.done) {
    if (addPath) ids[n] = readPathId(r);
    const len = r.u8('prefix length');
    if (len > 32) r.fail(`prefix length ${len} > 32`);
    const bytes = (len + 7) >> 3;
    // A constant field name: a string built per prefix would be the decoder's main allocation.
    const pos = r.take(bytes, 'prefix');
    // take() has checked these `bytes` bytes are in the buffer; a second check per byte would cost here.
    let addr = 0;
    switch (bytes) {
      case 4:
        addr = ((buf[pos]! << 24) >>> 0) + (buf[pos + 1]! << 16) + (buf[pos + 2]! << 8) + buf[pos + 3]!;
        break;
      case 3:
        addr = ((buf[pos]! << 24) >>> 0) + (buf[pos + 1]! << 16) + (buf[pos + 2]! << 8);
        break;
      case 2:
        addr = ((buf[pos]! << 24) >>> 0) + (buf[pos + 1]! << 16);
        break;
      case 1:
        addr = (buf[pos]! << 24) >>> 0;
        break;
    }
    // Trailing bits past the length are irrelevant (RFC 4271 §4.3); clear them so keys are canonical.
    if (len < 32) addr = len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0;
    keys[n++] = addr * 64 + len;
  }
  return { afi: 1, count: n, keys: keys.slice(0, n), pathIds: addPath ? ids.slice(0, n) : null };
}

export function decodeIpv6Prefixes(r: WireReader, addPath: boolean): Ipv6PrefixList {
  ensureScratch(r.remaining);
  const ids = scratchIds;
  const lens = scratchLens;
  const out = scratchV6;
  const buf = r.buf;
  let n = 0;
  while (!r.done) {
    if (addPath) ids[n] = readPathId(r);
    const len = r.u8('prefix length');
    if (len > 128) r.fail(`prefix length ${len} > 128`);
    const bytes = (len + 7) >> 3;
    // A constant field name: a string built per prefix would be the decoder's main allocation.
    const pos = r.take(bytes, 'prefix');
    const base = n * 16;
    for (let i = 0; i < 16; i++) out[base + i] = i < bytes ? buf[pos + i]! : 0;
    if (len & 7) out[base + bytes - 1]! &= 0xff << (8 - (len & 7));
    lens[n++] = len;
  }
  return {
    afi: 2,
    count: n,
    addrs: out.slice(0, n * 16),
    lengths: lens.slice(0, n),
    pathIds: addPath ? ids.slice(0, n) : null,
  };
}

/** The prefixes of one family, all `r` has left; `r` must fail with NlriSyntaxError. */
export function decodePrefixes(afi: number, r: WireReader, addPath: boolean): PrefixList {
  return afi === Afi.IPV6 ? decodeIpv6Prefixes(r, addPath) : decodeIpv4Prefixes(r, addPath);
}

// Below, i < list.count is the caller's loop bound, so the list's typed arrays hold index i (`!`).

/** Bytes prefix i takes on the wire. */
export function prefixWireSize(list: PrefixList, i: number, addPath: boolean): number {
  const len = list.afi === 1 ? list.keys[i]! % 64 : list.lengths[i]!;
  return (addPath ? 4 : 0) + 1 + ((len + 7) >> 3);
}

/** Writes prefix i at `at`; returns the new offset. */
export function writePrefix(list: PrefixList, i: number, addPath: boolean, out: Uint8Array, at: number): number {
  let pos = at;
  if (addPath) {
    const id = list.pathIds ? list.pathIds[i]! : 0;
    out[pos] = id >>> 24;
    out[pos + 1] = (id >>> 16) & 0xff;
    out[pos + 2] = (id >>> 8) & 0xff;
    out[pos + 3] = id & 0xff;
    pos += 4;
  }
  if (list.afi === 1) {
    const key = list.keys[i]!;
    const len = key % 64;
    const addr = (key - len) / 64;
    out[pos++] = len;
    const bytes = (len + 7) >> 3;
    if (bytes > 0) out[pos++] = addr >>> 24;
    if (bytes > 1) out[pos++] = (addr >>> 16) & 0xff;
    if (bytes > 2) out[pos++] = (addr >>> 8) & 0xff;
    if (bytes > 3) out[pos++] = addr & 0xff;
  } else {
    const len = list.lengths[i]!;
    out[pos++] = len;
    const bytes = (len + 7) >> 3;
    // A byte loop, not subarray(): a view object per prefix would dominate the allocation.
    const base = i * 16;
    for (let k = 0; k < bytes; k++) out[pos + k] = list.addrs[base + k]!;
    pos += bytes;
  }
  return pos;
}

export function formatPrefix(list: PrefixList, i: number): string {
  if (list.afi === 1) {
    const key = list.keys[i]!;
    const len = key % 64;
    return `${formatIpv4((key - len) / 64)}/${len}`;
  }
  return `${formatIpv6(list.addrs, i * 16)}/${list.lengths[i]}`;
}

export function formatPrefixes(list: PrefixList): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.count; i++) out.push(formatPrefix(list, i));
  return out;
}

export interface PrefixWithPathId {
  prefix: string;
  pathId?: number;
}

/** Builds a list from strings (all of one family); used by the CLI, tests and origination. */
export function prefixListFrom(afi: 1 | 2, prefixes: ReadonlyArray<string | PrefixWithPathId>): PrefixList {
  const withIds = prefixes.some((p) => typeof p !== 'string' && p.pathId !== undefined);
  const ids = withIds ? new Uint32Array(prefixes.length) : null;
  if (afi === 1) {
    const keys = new Float64Array(prefixes.length);
    prefixes.forEach((p, i) => {
      const text = typeof p === 'string' ? p : p.prefix;
      const parsed = parsePrefix(text);
      if (!parsed || typeof parsed.address !== 'number') throw new RangeError(`not an IPv4 prefix: ${text}`);
      keys[i] = ipv4Key(parsed.address, parsed.length);
      if (ids && typeof p !== 'string') ids[i] = p.pathId ?? 0;
    });
    return { afi: 1, count: prefixes.length, keys, pathIds: ids };
  }
  const addrs = new Uint8Array(prefixes.length * 16);
  const lengths = new Uint8Array(prefixes.length);
  prefixes.forEach((p, i) => {
    const text = typeof p === 'string' ? p : p.prefix;
    const parsed = parsePrefix(text);
    if (!parsed || typeof parsed.address === 'number') throw new RangeError(`not an IPv6 prefix: ${text}`);
    addrs.set(maskAddress(parsed.address, parsed.length) as Uint8Array, i * 16);
    lengths[i] = parsed.length;
    if (ids && typeof p !== 'string') ids[i] = p.pathId ?? 0;
  });
  return { afi: 2, count: prefixes.length, addrs, lengths, pathIds: ids };
}

/** A contiguous part of a list, sharing its memory. */
export function slicePrefixList(list: PrefixList, from: number, to: number): PrefixList {
  if (list.afi === 1) {
    return { afi: 1, count: to - from, keys: list.keys.subarray(from, to), pathIds: list.pathIds ? list.pathIds.subarray(from, to) : null };
  }
  return {
    afi: 2,
    count: to - from,
    addrs: list.addrs.subarray(from * 16, to * 16),
    lengths: list.lengths.subarray(from, to),
    pathIds: list.pathIds ? list.pathIds.subarray(from, to) : null,
  };
}
