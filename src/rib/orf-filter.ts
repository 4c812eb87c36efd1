// The Address Prefix ORF a neighbor installed on necod's export toward it (RFC 5291, RFC 5292):
// entries in, a filter out, and the one question the exporter asks, "may this prefix go?".
// Pure plain data. The wire form of the entries is src/bgp/wire/orf.ts; keeping the filter
// per session and re-sending after a change is src/routing/peer-routes.ts.
import type { PrefixOrfEntry } from '../bgp/wire/index.js';
import type { PrefixView } from './policy.js';

export interface OrfRule {
  sequence: number;
  permit: boolean;
  prefix: Uint8Array;
  length: number;
  /** Effective length range a matching route must fall in. */
  ge: number;
  le: number;
}

/** Rules in sequence order; an empty filter is no filter (everything goes). */
export type OrfFilter = readonly OrfRule[];

function toRule(e: PrefixOrfEntry): OrfRule {
  const bits = e.prefix.length * 8;
  // RFC 5292 §3: minlen and maxlen both zero is the prefix alone. A peer that sets only one
  // (FRR does for "ge N" without "le") means the other end of the range, as a prefix list does.
  const ge = e.minLength || e.length;
  const le = e.maxLength || (e.minLength ? bits : e.length);
  return { sequence: e.sequence, permit: e.match === 'permit', prefix: e.prefix, length: e.length, ge, le };
}

function sameRule(a: OrfRule, b: OrfRule): boolean {
  if (a.sequence !== b.sequence || a.length !== b.length || a.ge !== b.ge || a.le !== b.le || a.permit !== b.permit) return false;
  return covers(a.prefix, a.length, b.prefix);
}

/**
 * Applies one refresh's entries in order (RFC 5291 §4: ADD, REMOVE, REMOVE-ALL). A malformed
 * list drops the whole filter: the neighbor still filters what it receives, and sending too
 * much is safe where sending too little is not.
 */
export function applyOrfEntries(current: OrfFilter, entries: readonly PrefixOrfEntry[], malformed: boolean): OrfFilter {
  if (malformed) return [];
  let rules = [...current];
  for (const e of entries) {
    if (e.action === 'remove-all') {
      rules = [];
      continue;
    }
    const rule = toRule(e);
    rules = rules.filter((r) => !sameRule(r, rule));
    if (e.action === 'add') rules.push(rule);
  }
  return rules.sort((a, b) => a.sequence - b.sequence);
}

/** True when the first `length` bits of `a` and `b` agree. */
function covers(a: Uint8Array, length: number, b: Uint8Array): boolean {
  const full = length >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = length & 7;
  if (!rest) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full] ?? 0) & mask) === ((b[full] ?? 0) & mask);
}

/**
 * Rules in sequence order, the first that matches decides (RFC 5292); a prefix no rule matches
 * is not sent, the implicit deny of the prefix list the neighbor built the entries from.
 */
export function orfPermits(filter: OrfFilter, p: PrefixView): boolean {
  if (filter.length === 0) return true;
  const size = p.afi === 1 ? 4 : 16;
  for (const r of filter) {
    if (r.prefix.length !== size || p.length < r.ge || p.length > r.le || p.length < r.length) continue;
    if (covers(r.prefix, r.length, p.bytes)) return r.permit;
  }
  return false;
}
