/**
 * Which Loc-RIB keys a GET /v1/routes page holds: the filters (family, prefix exact / longer /
 * covering, longest match, neighbor) and a cursor. A page is the `limit` smallest matching keys
 * above the cursor, chosen in one pass over the table into a bounded sorted buffer, so a page
 * of a million-route table costs one scan and `limit` slots, never a list of every route.
 * Keys order IPv4 by address then length, then IPv6 in the order the RIB first saw them.
 */
import { hostPrefix, ipv4Mask, parseAddress, parsePrefix, prefixContains, type Family, type IpAddress, type Prefix } from '../net/index.js';
import type { Rib } from '../rib/rib.js';
import { familyOfKey } from '../rib/route-key.js';

export type PrefixMatch = 'exact' | 'longer' | 'covering';

export interface KeyFilter {
  family?: Family;
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

/** The key of the prefix `address/length` (host bits cleared) when the Loc-RIB holds it, else -1. */
function keyIfSelected(rib: Rib, address: IpAddress, length: number): number {
  const key = rib.keys.keyOfPrefix({ address, length }, false);
  return key >= 0 && rib.selected(key) ? key : -1;
}

/** Every selected prefix holding the target (its less specifics and itself), most specific first. */
function coveringKeys(rib: Rib, t: Prefix, longestOnly: boolean): number[] {
  const out: number[] = [];
  for (let len = t.length; len >= 0; len--) {
    const key = keyIfSelected(rib, t.address, len);
    if (key < 0) continue;
    out.push(key);
    if (longestOnly) break;
  }
  return out;
}

/**
 * The keys matching the filter. Answers with the reason when the filter's text is not valid
 * (the API's 400), so the caller words nothing itself.
 */
export function selectKeys(rib: Rib, f: KeyFilter, after: number | null, limit: number): KeyPage | string {
  let candidates: number[] | null = null;
  let test: ((key: number) => boolean) | null = null;
  if (f.for !== undefined) {
    const a = parseAddress(f.for);
    if (a === null) return `for: not an address: ${JSON.stringify(f.for)}`;
    candidates = coveringKeys(rib, hostPrefix(a), true);
  } else if (f.prefix !== undefined) {
    const t = parsePrefix(f.prefix);
    if (!t) return `prefix: not a prefix: ${JSON.stringify(f.prefix)}`;
    const match = f.match ?? 'exact';
    if (match === 'covering') candidates = coveringKeys(rib, t, false);
    else if (match === 'exact') {
      const key = keyIfSelected(rib, t.address, t.length);
      candidates = key < 0 ? [] : [key];
    } else {
      const address = t.address;
      if (typeof address === 'number') {
        // The scan runs over every key of the table: the IPv4 test stays arithmetic on the key.
        const mask = ipv4Mask(t.length);
        const network = (address & mask) >>> 0;
        test = (key) => {
          if (familyOfKey(key) !== 'ipv4') return false;
          const len = key % 64;
          return len >= t.length && (((key - len) / 64) & mask) >>> 0 === network;
        };
      } else {
        test = (key) => familyOfKey(key) === 'ipv6' && rib.keys.v6.length(key) >= t.length && prefixContains(t, rib.keys.v6.address(key));
      }
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
