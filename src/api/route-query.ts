/**
 * Which Loc-RIB keys a GET /v1/routes page holds: the filters (family, prefix exact / longer /
 * covering, longest match, neighbor) and a cursor. A page is the `limit` smallest matching keys
 * above the cursor, chosen in one pass over the table into a bounded sorted buffer, so a page
 * of a million-route table costs one scan and `limit` slots, never a list of every route.
 * Keys order IPv4 by address then length, then IPv6 in the order the RIB first saw them.
 */
import { parseIpv4, parseIpv6, parsePrefix, type Ipv6PrefixList } from '../bgp/wire/index.js';
import type { Rib } from '../rib/rib.js';
import { familyOfKey } from '../rib/route-key.js';

export type PrefixMatch = 'exact' | 'longer' | 'covering';

export interface KeyFilter {
  family?: 'ipv4' | 'ipv6';
  /** A prefix, with `match` saying how routes relate to it. */
  prefix?: string;
  match?: PrefixMatch;
  /** An address: only the longest prefix holding it (like BIRD's `show route for`). */
  for?: string;
  /** Only prefixes this source (neighbor or origin, by RIB index) holds a path for. */
  sourceIndex?: number;
}

export interface KeyPage {
  keys: number[];
  /** Matching routes in the whole table, the page's and the others. */
  total: number;
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
}

/** The cursor is the last key of a page, in base 36: opaque to clients, stable across pages. */
export function parseCursor(text: string): number | null {
  if (!/^[0-9a-z]{1,12}$/.test(text)) return null;
  const n = parseInt(text, 36);
  return Number.isSafeInteger(n) ? n : null;
}

function formatCursor(key: number): string {
  return key.toString(36);
}

interface Target {
  afi: 1 | 2;
  bytes: Uint8Array;
  length: number;
}

function targetOf(text: string): Target | null {
  const p = parsePrefix(text);
  if (!p) return null;
  if (p.afi === 1) return { afi: 1, bytes: Uint8Array.of(p.v4 >>> 24, (p.v4 >>> 16) & 255, (p.v4 >>> 8) & 255, p.v4 & 255), length: p.length };
  return p.v6 ? { afi: 2, bytes: p.v6, length: p.length } : null;
}

/** Whether the first `bits` bits of a and b agree. */
function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

/** The key of the prefix `bytes/len` when the Loc-RIB holds it, else -1. */
function keyIfSelected(rib: Rib, afi: 1 | 2, bytes: Uint8Array, len: number): number {
  if (afi === 1) {
    const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes;
    const v4 = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
    const masked = len === 0 ? 0 : (v4 & (0xffffffff << (32 - len))) >>> 0;
    const key = masked * 64 + len;
    return rib.selected(key) ? key : -1;
  }
  const addr = bytes.slice();
  for (let bit = len; bit < 128; bit++) addr[bit >> 3]! &= ~(0x80 >> (bit & 7));
  const list: Ipv6PrefixList = { afi: 2, count: 1, addrs: addr, lengths: Uint8Array.of(len), pathIds: null };
  const key = rib.keys.v6.findKey(list, 0);
  return key >= 0 && rib.selected(key) ? key : -1;
}

/** Every selected prefix holding the target (its less specifics and itself), most specific first. */
function coveringKeys(rib: Rib, t: Target, longestOnly: boolean): number[] {
  const out: number[] = [];
  for (let len = t.length; len >= 0; len--) {
    const key = keyIfSelected(rib, t.afi, t.bytes, len);
    if (key < 0) continue;
    out.push(key);
    if (longestOnly) break;
  }
  return out;
}

function addressTarget(text: string): Target | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { afi: 1, bytes: Uint8Array.of(v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255), length: 32 };
  const v6 = parseIpv6(text);
  return v6 ? { afi: 2, bytes: v6, length: 128 } : null;
}

/**
 * The keys matching the filter. Answers with the reason when the filter's text is not valid
 * (the API's 400), so the caller words nothing itself.
 */
export function selectKeys(rib: Rib, f: KeyFilter, after: number | null, limit: number): KeyPage | string {
  let candidates: number[] | null = null;
  let test: ((key: number) => boolean) | null = null;
  if (f.for !== undefined) {
    const t = addressTarget(f.for);
    if (!t) return `for: not an address: ${JSON.stringify(f.for)}`;
    candidates = coveringKeys(rib, t, true);
  } else if (f.prefix !== undefined) {
    const t = targetOf(f.prefix);
    if (!t) return `prefix: not a prefix: ${JSON.stringify(f.prefix)}`;
    const match = f.match ?? 'exact';
    if (match === 'covering') candidates = coveringKeys(rib, t, false);
    else if (match === 'exact') {
      const key = keyIfSelected(rib, t.afi, t.bytes, t.length);
      candidates = key < 0 ? [] : [key];
    } else {
      const bytes = new Uint8Array(16);
      test = (key) => {
        if ((familyOfKey(key) === 'ipv4') !== (t.afi === 1)) return false;
        let len: number;
        if (t.afi === 1) {
          len = key % 64;
          const a = (key - len) / 64;
          bytes[0] = a >>> 24;
          bytes[1] = (a >>> 16) & 255;
          bytes[2] = (a >>> 8) & 255;
          bytes[3] = a & 255;
          return len >= t.length && samePrefix(bytes, t.bytes, t.length);
        }
        len = rib.keys.v6.length(key);
        return len >= t.length && samePrefix(rib.keys.v6.address(key), t.bytes, t.length);
      };
    }
  }
  const keep = (key: number): boolean =>
    (f.family === undefined || familyOfKey(key) === f.family) &&
    (f.sourceIndex === undefined || rib.adjRibInEntry(f.sourceIndex, key) !== null) &&
    (test === null || test(key));
  if (candidates !== null) {
    const all = candidates.filter(keep).sort((a, b) => a - b);
    const rest = after === null ? all : all.filter((k) => k > after);
    const keys = limit === 0 ? rest : rest.slice(0, limit);
    return { keys, total: all.length, next: keys.length < rest.length ? formatCursor(keys[keys.length - 1] as number) : null };
  }
  return scanPage(rib, keep, after, limit);
}

/** One pass over the Loc-RIB keeping the `limit` smallest matching keys above `after`. */
function scanPage(rib: Rib, keep: (key: number) => boolean, after: number | null, limit: number): KeyPage {
  const size = limit === 0 ? rib.size : limit;
  const buf = new Float64Array(Math.max(1, Math.min(size, rib.size)));
  let held = 0;
  let total = 0;
  let beyond = 0;
  rib.forEachRoute((key) => {
    if (!keep(key)) return;
    total++;
    if (after !== null && key <= after) return;
    if (held === buf.length) {
      beyond++;
      if (key >= (buf[held - 1] as number)) return;
      held--;
    }
    // Insertion into the sorted buffer: binary search, then one copyWithin.
    let lo = 0;
    let hi = held;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((buf[mid] as number) < key) lo = mid + 1;
      else hi = mid;
    }
    buf.copyWithin(lo + 1, lo, held);
    buf[lo] = key;
    held++;
  });
  const keys = Array.from(buf.subarray(0, held));
  return { keys, total, next: beyond > 0 && held > 0 ? formatCursor(keys[held - 1] as number) : null };
}
